import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { promisify } from 'node:util';

import { median } from './load-runs.js';

const run = promisify(execFile);
const NS_PER_MS = 1e6;
const SCRAPE_TIMEOUT_MS = 4_000;

/** The resident set of process `pid` in bytes: /proc on Linux, else `ps`. */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kib = status?.match(/^VmRSS:\s+(\d+) kB$/m)?.[1];
  if (kib !== undefined) return Number(kib) * 1024;

  const { stdout } = await run('ps', ['-o', 'rss=', '-p', String(pid)]);
  const fallback = Number(stdout.trim());
  if (!Number.isFinite(fallback) || fallback <= 0)
    throw new Error(`cannot read the memory of process ${pid}`);
  return fallback * 1024;
}

/** Event-loop lag, and whose loop it is. */
export interface EventLoopLag {
  /** `service` when read from its /metrics, else `load generator`. */
  readonly source: 'service' | 'load generator';
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * The service's event-loop lag from prom-client's default metrics on its `/metrics`
 * (`nodejs_eventloop_lag_p99_seconds`, `nodejs_eventloop_lag_max_seconds`; prom-client resets
 * its histogram at every scrape, so each scrape covers the time since the last one). When the
 * service has no such metrics, this process's own lag stands in, and the result says so.
 */
export class EventLoopLagProbe {
  private readonly local: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly scraped = { p99Ms: 0, maxMs: 0, scrapes: 0 };
  private unavailable = false;

  constructor(private readonly metricsUrl: string) {
    this.local.enable();
  }

  /** Starts the window over: what was seen so far (the warm-up) is forgotten. */
  async reset(): Promise<void> {
    this.local.reset();
    await this.scrape();
    this.scraped.p99Ms = 0;
    this.scraped.maxMs = 0;
    this.scraped.scrapes = 0;
  }

  /** Reads the service's figures since the last scrape, keeping the worst. */
  async scrape(): Promise<void> {
    if (this.unavailable) return;
    const signal = AbortSignal.timeout(SCRAPE_TIMEOUT_MS);
    const response = await fetch(this.metricsUrl, { signal }).catch(() => undefined);
    const text = await response?.text().catch(() => undefined);
    // A scrape lost to an overloaded service is skipped; an answer without the metrics means
    // the service has none, and the generator's own lag stands in.
    if (response === undefined || text === undefined) return;
    const p99 = metric(text, 'nodejs_eventloop_lag_p99_seconds');
    const max = metric(text, 'nodejs_eventloop_lag_max_seconds');
    if (p99 === undefined || max === undefined) {
      this.unavailable = true;
      return;
    }
    this.scraped.p99Ms = Math.max(this.scraped.p99Ms, p99 * 1000);
    this.scraped.maxMs = Math.max(this.scraped.maxMs, max * 1000);
    this.scraped.scrapes += 1;
  }

  result(): EventLoopLag {
    if (!this.unavailable && this.scraped.scrapes > 0) {
      return { source: 'service', p99Ms: this.scraped.p99Ms, maxMs: this.scraped.maxMs };
    }
    return {
      source: 'load generator',
      p99Ms: this.local.percentile(99) / NS_PER_MS,
      maxMs: this.local.max / NS_PER_MS,
    };
  }

  /** This process's own lag: high figures here mean the generator, not the service, lagged. */
  generatorLag(): { p99Ms: number; maxMs: number } {
    return { p99Ms: this.local.percentile(99) / NS_PER_MS, maxMs: this.local.max / NS_PER_MS };
  }

  close(): void {
    this.local.disable();
  }
}

// Prometheus text format: `name value` or `name{labels} value`, one sample a line.
function metric(text: string, name: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  const value = Number(
    line
      ?.slice(name.length + 1)
      .trim()
      .split(' ')[0],
  );
  return line === undefined || !Number.isFinite(value) ? undefined : value;
}

/**
 * The service's resident memory, sampled every second through the measured window. A single
 * reading moves by tens of MiB with each garbage collection, so the start, the middle and the
 * end are each the median of the ten readings there (fewer in a short run).
 */
export class ResidentMemorySampler {
  private readonly samples: number[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pid: number) {}

  start(): void {
    const sample = () =>
      void residentBytes(this.pid).then(
        (bytes) => this.samples.push(bytes),
        () => undefined,
      );
    sample();
    this.timer = setInterval(sample, 1000);
  }

  stop(): { startBytes: number; middleBytes: number; endBytes: number } {
    clearInterval(this.timer);
    const all = this.samples;
    const width = Math.max(1, Math.min(10, Math.floor(all.length / 3)));
    const middle = Math.max(0, Math.floor((all.length - width) / 2));
    return {
      startBytes: median(all.slice(0, width)),
      middleBytes: median(all.slice(middle, middle + width)),
      endBytes: median(all.slice(-width)),
    };
  }
}
