import { availableParallelism, cpus } from 'node:os';

import type { ReconcileSummary } from '../src/domain/use-cases/reconcile-catalog/reconcile-catalog.use-case.js';
import { median, type Measurement } from './load-runs.js';
import { rate } from './report.js';

/** The target: ingestion keeps at least half the rate of the bare upserts. */
export const EVENTS_TARGET_RATIO = 0.5;

export interface EventRun {
  readonly name: string;
  readonly eventsPerRequest: number;
  readonly measured: Measurement;
}

/** One driver run and the endpoint's runs next to it, which are compared with it. */
export interface EventRound {
  readonly driver: Measurement;
  readonly runs: readonly EventRun[];
}

export interface ReconcileRun {
  readonly name: string;
  readonly seconds: number;
  readonly requests: number;
  readonly summary: ReconcileSummary;
}

export interface EventsReport {
  readonly repositories: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly database: string;
  /** The machine the figures were measured on, as the JSON results keep it; this one when absent. */
  readonly machine?: string;
  readonly rounds: readonly EventRound[];
  readonly reconcile:
    | {
        readonly repositories: number;
        readonly registry: string;
        readonly runs: readonly ReconcileRun[];
      }
    | undefined;
}

/** The benchmark's figures as Markdown, ready for the README. */
export function renderEventsReport(report: EventsReport): string {
  const row = (
    round: number,
    name: string,
    events: number,
    measured: Measurement,
    versus: string,
  ) =>
    `| ${round} | ${name} | ${rate(events)} | ${rate(measured.opsPerSecond)} | ${ms(measured.p50Ms)} ` +
    `| ${ms(measured.p99Ms)} | ${count(measured.failed)} | ${versus} |`;

  const lines = [
    `### Registry events: ${count(report.repositories)} repositories × 10 tags, ` +
      `${report.concurrency} requests in flight, ${report.rounds.length} rounds`,
    '',
    "| Round | Run | Events/s | Requests/s | p50 | p99 | Failed | Events/s vs the round's driver |",
    '|---:|---|---:|---:|---:|---:|---:|---:|',
    ...report.rounds.flatMap(({ driver, runs }, index) => [
      row(index + 1, DRIVER_RUN, driver.opsPerSecond, driver, 'baseline'),
      ...runs.map((run) =>
        row(
          index + 1,
          run.name,
          eventsPerSecond(run),
          run.measured,
          (eventsPerSecond(run) / driver.opsPerSecond).toFixed(2),
        ),
      ),
    ]),
    '',
    'Targets, on the median of the rounds:',
    '',
    ...targetRatios(report).map(({ name, ratios }) => {
      const ratio = median(ratios);
      const met = ratio >= EVENTS_TARGET_RATIO ? 'met' : 'missed';
      const each = ratios.map((value) => value.toFixed(2)).join(', ');
      return `- ${name}: events/s >= ${EVENTS_TARGET_RATIO} of the driver's: ${ratio.toFixed(2)} (rounds: ${each}), **${met}**`;
    }),
  ];

  const reconcile = report.reconcile;
  if (reconcile !== undefined) {
    lines.push(
      '',
      `### Reconcile: ${count(reconcile.repositories)} repositories on registry ${reconcile.registry}`,
      '',
      '| Run | Time | Registry requests | Added | Updated | Removed | Unchanged | Failed |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...reconcile.runs.map(
        ({ name, seconds, requests, summary }) =>
          `| ${name} | ${seconds.toFixed(1)} s | ${count(requests)} | ${count(summary.added)} ` +
          `| ${count(summary.updated)} | ${count(summary.removed)} | ${count(summary.unchanged)} ` +
          `| ${count(summary.failed.length)} |`,
      ),
    );
  }

  lines.push(
    '',
    `Machine: ${report.machine ?? machine()}. Database: ${report.database}. ${report.seconds} s per run, closed loop.`,
  );
  return `${lines.join('\n')}\n`;
}

const DRIVER_RUN = 'the same upserts with the MongoDB driver';

function eventsPerSecond(run: EventRun): number {
  return run.measured.opsPerSecond * run.eventsPerRequest;
}

/** Each kind of endpoint run, with its ratio to the driver in every round, in round order. */
function targetRatios(report: EventsReport): { name: string; ratios: number[] }[] {
  const kinds = new Map<string, number[]>();
  for (const { driver, runs } of report.rounds) {
    for (const run of runs) {
      const ratios = kinds.get(run.name) ?? [];
      ratios.push(eventsPerSecond(run) / driver.opsPerSecond);
      kinds.set(run.name, ratios);
    }
  }
  return [...kinds].map(([name, ratios]) => ({ name, ratios }));
}

/** This machine, as the report names it. */
export function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${availableParallelism()} CPUs (${model}), Node ${process.version}`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function ms(value: number): string {
  if (Number.isNaN(value)) return 'n/a';
  return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ms`;
}
