import { SOAK_TARGETS } from './soak-config.js';
import type { EventLoopLag } from './service-probes.js';
import { count, mib, ms, percent, signedPercent } from './figures.js';
import { rate } from './report.js';

/** One kind of traffic over the measured window. */
export interface SoakKindResult {
  readonly name: string;
  readonly targetRate: number;
  /** Calls answered with success within the deadline, per second of the window. */
  readonly achievedRate: number;
  readonly sent: number;
  readonly ok: number;
  /** Answered 503: refused for now, retried by the registry; not a failure, but not held. */
  readonly retried: number;
  /** Errors: no answer within the deadline (a registry or client gives up and retries). */
  readonly timedOut: number;
  /** Errors: connection failures, 500s, any answer the documented contract does not allow. */
  readonly failed: number;
  readonly firstFailure?: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** What `npm run soak` writes to bench/results/soak.json, and the README's table is made of. */
export interface SoakResult {
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** The share of the issue's rates sent; absent in results from before it could be chosen. */
  readonly loadPercent?: number;
  readonly deadlineMs: number;
  readonly machine: string;
  readonly database: string;
  readonly eventMix: string;
  readonly kinds: readonly SoakKindResult[];
  /** The service's resident memory after the warm-up, halfway, and at the end. */
  readonly rss: {
    readonly startBytes: number;
    readonly middleBytes: number;
    readonly endBytes: number;
  };
  readonly eventLoopLag: EventLoopLag;
  readonly generatorLag: { readonly p99Ms: number; readonly maxMs: number };
  /** Every target missed, in words; empty when all were met. */
  readonly misses: readonly string[];
  /** Timed out and failed calls of every kind: the issue's `errors: N`, which must be 0. */
  readonly errors: number;
}

/** The relative growth of the service's memory from the start of the window to its end. */
export function rssGrowth(result: Pick<SoakResult, 'rss'>): number {
  return result.rss.endBytes / result.rss.startBytes - 1;
}

/** The targets `result` missed, in words. */
export function soakMisses(result: Omit<SoakResult, 'misses' | 'errors'>): string[] {
  const misses: string[] = [];
  for (const kind of result.kinds) {
    if (kind.achievedRate < kind.targetRate * SOAK_TARGETS.minRateRatio) {
      misses.push(
        `${kind.name}: ${rate(kind.achievedRate)}/s achieved, target ${rate(kind.targetRate)}/s`,
      );
    }
    if (kind.timedOut > 0) misses.push(`${kind.name}: ${count(kind.timedOut)} calls timed out`);
    if (kind.failed > 0) {
      misses.push(`${kind.name}: ${count(kind.failed)} calls failed, first: ${kind.firstFailure}`);
    }
  }
  const growth = rssGrowth(result);
  if (growth >= SOAK_TARGETS.maxRssGrowth) {
    misses.push(
      `memory grew ${percent(growth)} after the warm-up, target under ${percent(SOAK_TARGETS.maxRssGrowth)}`,
    );
  }
  return misses;
}

/** The soak's figures as Markdown: the same text on stdout and in the README. */
export function renderSoakReport(result: SoakResult): string {
  const { rss, eventLoopLag: lag } = result;
  const lagSource =
    lag.source === 'service'
      ? "the service's, from `nodejs_eventloop_lag_*` on its `/metrics`"
      : "the load generator's own: the service exposed no `nodejs_eventloop_lag_*` metrics";
  const lines = [
    '| Traffic | Target/s | Achieved/s | p50 | p99 | OK | 503, retried | Timed out | Failed |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...result.kinds
      .map((kind) =>
        [
          kind.name,
          rate(kind.targetRate),
          rate(kind.achievedRate),
          ms(kind.p50Ms),
          ms(kind.p99Ms),
          count(kind.ok),
          count(kind.retried),
          count(kind.timedOut),
          count(kind.failed),
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
    '',
    `Memory of the service (RSS): ${mib(rss.startBytes)} after the warm-up, ${mib(rss.middleBytes)} ` +
      `halfway, ${mib(rss.endBytes)} at the end: ${signedPercent(rssGrowth(result))} ` +
      `(target: under ${percent(SOAK_TARGETS.maxRssGrowth)}).`,
    `Event-loop lag (${lagSource}): p99 ${ms(lag.p99Ms)}, max ${ms(lag.maxMs)}. ` +
      `The load generator's own: p99 ${ms(result.generatorLag.p99Ms)}, max ${ms(result.generatorLag.maxMs)}.`,
    '',
    result.misses.length === 0
      ? 'Every target met.'
      : `Targets missed:\n\n${result.misses.map((miss) => `- ${miss}`).join('\n')}`,
    '',
    loadLine(result),
    `${result.seconds} s measured after ${result.warmupSeconds} s of warm-up, all traffic at once, ` +
      `open loop (latency from each call's scheduled time). Errors are calls timed out (no ` +
      `answer within ${result.deadlineMs / 1000} s) and failed (any other answer than the ` +
      `documented success, or none); a 503 is no error: the registry retries it, but it does ` +
      `not count as held either. Events: ${result.eventMix}. ` +
      `Machine: ${result.machine}. Database: ${result.database}.`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Says when a run sent less (or more) than the issue's rates, whose targets it then had. */
function loadLine(result: Pick<SoakResult, 'loadPercent'>): string {
  const percentage = result.loadPercent ?? 100;
  if (percentage === 100) return 'Load: the target rates.';
  return (
    `Load: ${percentage} % of the target rates (SOAK_LOAD_PERCENT); the targets above are ` +
    'scaled alike, so this run does not show the full load held.'
  );
}
