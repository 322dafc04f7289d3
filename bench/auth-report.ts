import { availableParallelism, cpus } from 'node:os';

import type { Measurement } from './load-runs.js';

/** The targets for the token endpoint. */
export const AUTH_TARGETS = { warmRatio: 0.5, halfPeakP99Ms: 20 } as const;

export interface AuthBenchResult {
  readonly concurrency: number;
  readonly seconds: number;
  /** GET /healthz of the same server: Fastify with nothing behind it. */
  readonly emptyRoute: Measurement;
  /** GET /auth with credentials the cache knows, the same scope each call (a client's burst). */
  readonly warm: Measurement;
  /** The same with a new scope each call: no two tokens alike, each one signed. */
  readonly distinct: Measurement;
  readonly halfPeak: Measurement;
  readonly halfPeakRate: number;
  /** GET /auth with a new user each time: bcrypt at cost 10 every call. */
  readonly cold: Measurement;
  /** The machine the figures were measured on, as the JSON results keep it; this one when absent. */
  readonly machine?: string;
}

/** The run as Markdown, ready to paste into the README. */
export function renderAuthReport(result: AuthBenchResult): string {
  const ratio = result.warm.opsPerSecond / result.emptyRoute.opsPerSecond;
  const closed = `closed loop, ${result.concurrency} in flight`;
  const lines = [
    '### Token endpoint benchmark',
    '',
    '| Run | Load | Calls | Failed | ops/s | p50 | p99 |',
    '|---|---|---:|---:|---:|---:|---:|',
    row('empty Fastify route (`GET /healthz`)', closed, result.emptyRoute),
    row('`GET /auth`, cache warm', closed, result.warm),
    row('`GET /auth`, cache warm, a new scope each call', closed, result.distinct),
    row(
      '`GET /auth`, cache warm',
      `open loop, ${rate(result.halfPeakRate)}/s (half peak)`,
      result.halfPeak,
    ),
    row('`GET /auth`, cache miss (bcrypt cost 10)', closed, result.cold),
    '',
    'Targets:',
    '',
    target(
      `warm token rate >= ${AUTH_TARGETS.warmRatio} of the empty route's`,
      ratio.toFixed(2),
      ratio >= AUTH_TARGETS.warmRatio,
    ),
    target(
      `p99 at half the peak rate <= ${AUTH_TARGETS.halfPeakP99Ms} ms`,
      ms(result.halfPeak.p99Ms),
      result.halfPeak.p99Ms <= AUTH_TARGETS.halfPeakP99Ms,
    ),
    '',
    'Identical token requests within one second share one signed token; the new-scope run ' +
      `signs every token: ${(result.distinct.opsPerSecond / result.emptyRoute.opsPerSecond).toFixed(2)} ` +
      `of the empty route. Cold/warm: ${(result.cold.opsPerSecond / result.warm.opsPerSecond).toFixed(3)}. ` +
      `Machine: ${result.machine ?? machine()}. ${result.seconds} s per run over loopback HTTP/1.1 keep-alive; ` +
      'the load generator shares the machine; open-loop latencies count from each scheduled time.',
  ];
  return `${lines.join('\n')}\n`;
}

function row(run: string, load: string, measured: Measurement): string {
  const { calls, failed, opsPerSecond, p50Ms, p99Ms } = measured;
  return `| ${run} | ${load} | ${count(calls)} | ${count(failed)} | ${rate(opsPerSecond)} | ${ms(p50Ms)} | ${ms(p99Ms)} |`;
}

function target(rule: string, value: string, met: boolean): string {
  return `- ${rule}: ${value}, **${met ? 'met' : 'missed'}**`;
}

/** This machine, as the report names it. */
export function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${availableParallelism()} CPUs (${model}), Node ${process.version}`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function rate(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: value < 100 ? 1 : 0 });
}

function ms(value: number): string {
  if (Number.isNaN(value)) return 'n/a';
  return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ms`;
}
