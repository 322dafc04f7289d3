import type { Tally } from './soak-schedule.js';

const LINE_EVERY_SECONDS = 10;

/**
 * The soak's progress on stderr: on a terminal one line, rewritten every second; elsewhere (CI
 * logs, a pipe) a line every ten seconds, so that a log stays readable.
 */
export class SoakProgress {
  private readonly previous = new Map<string, number>();

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly totalSeconds: number,
  ) {}

  update(elapsedSeconds: number, tallies: ReadonlyMap<string, Tally>): void {
    const interactive = this.stream.isTTY === true;
    const rates = [...tallies].map(([name, tally]) => {
      const perSecond = tally.ok - (this.previous.get(name) ?? 0);
      this.previous.set(name, tally.ok);
      const refused = tally.retried > 0 ? ` (503: ${tally.retried})` : '';
      return `${shortName(name)} ${perSecond}/s${refused}`;
    });
    if (!interactive && elapsedSeconds % LINE_EVERY_SECONDS !== 0) return;

    const errors = [...tallies.values()].reduce((sum, tally) => sum + tally.errors, 0);
    const line = `soak: ${elapsedSeconds}/${this.totalSeconds} s, ${rates.join(', ')}, errors ${errors}`;
    // \x1b[K clears what a longer earlier line left on the right.
    this.stream.write(interactive ? `\r${line}\x1b[K` : `${line}\n`);
  }

  /** Ends the terminal's updating line, so that what follows starts on its own. */
  done(): void {
    if (this.stream.isTTY === true) this.stream.write('\n');
  }
}

function shortName(name: string): string {
  return name
    .replace(/ \(.*\)$/, '')
    .replace(/^(Token requests|Event envelopes)$/, (word) =>
      word === 'Token requests' ? 'tokens' : 'events',
    );
}
