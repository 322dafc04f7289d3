/** One sample of a Prometheus text exposition: a name, its labels and its value. */
export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** What `GET /metrics` answered, read as Prometheus reads it. */
export class MetricsScrape {
  private constructor(
    readonly contentType: string,
    readonly samples: readonly MetricSample[],
  ) {}

  /** Scrapes `<httpUrl>/metrics` over HTTP; anything but a 200 fails the test. */
  static async from(httpUrl: string): Promise<MetricsScrape> {
    const response = await fetch(`${httpUrl}/metrics`);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`/metrics answered ${response.status}: ${text}`);

    const samples = text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const match = SAMPLE_LINE.exec(line);
        if (match === null) throw new Error(`/metrics line is not a sample: ${line}`);
        const labels = Object.fromEntries(
          [...(match[2] ?? '').matchAll(LABEL_PAIR)].map(([, key, value]) => [key, value]),
        );
        return { name: match[1] as string, labels, value: Number(match[3]) };
      });
    return new MetricsScrape(response.headers.get('content-type') ?? '', samples);
  }

  /** The value of the sample with exactly these labels; undefined when there is none. */
  value(name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
    const wanted = JSON.stringify(Object.entries(labels).sort());
    return this.samples.find(
      (sample) =>
        sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted,
    )?.value;
  }

  /** Every sample of `name`, whatever its labels. */
  all(name: string): MetricSample[] {
    return this.samples.filter((sample) => sample.name === name);
  }
}
