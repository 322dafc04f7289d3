import { Writable } from 'node:stream';

/** One parsed pino line. */
export type LogLine = Record<string, unknown> & { level: number; msg?: string };

/** A pino destination that keeps every line, for tests that assert on what was logged. */
export class LogCapture {
  readonly raw: string[] = [];

  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.raw.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });

  get lines(): LogLine[] {
    return this.raw.map((line) => JSON.parse(line) as LogLine);
  }

  /** The lines that carry `requestId`. */
  forRequest(requestId: string): LogLine[] {
    return this.lines.filter((line) => line['requestId'] === requestId);
  }
}
