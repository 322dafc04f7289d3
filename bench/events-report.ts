import { availableParallelism, cpus } from 'node:os';

import type { ReconcileSummary } from '../src/domain/use-cases/reconcile-catalog/reconcile-catalog.use-case.js';
import type { Measurement } from './load-runs.js';
import { rate } from './report.js';

/** The target: ingestion keeps at least half the rate of the bare upserts. */
export const EVENTS_TARGET_RATIO = 0.5;

export interface EventRun {
  readonly name: string;
  readonly eventsPerRequest: number;
  readonly measured: Measurement;
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
  readonly runs: readonly EventRun[];
  /** The driver's runs, before and after the service's; their mean is the baseline. */
  readonly drivers: readonly Measurement[];
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
  const driverRate =
    report.drivers.reduce((sum, driver) => sum + driver.opsPerSecond, 0) / report.drivers.length;
  const eventsPerSecond = (run: EventRun) => run.measured.opsPerSecond * run.eventsPerRequest;
  const row = (name: string, events: number, measured: Measurement) =>
    `| ${name} | ${rate(events)} | ${rate(measured.opsPerSecond)} | ${ms(measured.p50Ms)} ` +
    `| ${ms(measured.p99Ms)} | ${count(measured.failed)} | ${(events / driverRate).toFixed(2)} |`;

  const lines = [
    `### Registry events: ${count(report.repositories)} repositories × 10 tags, ` +
      `${report.concurrency} requests in flight`,
    '',
    '| Run | Events/s | Requests/s | p50 | p99 | Failed | Events/s vs driver |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...report.runs.map((run) => row(run.name, eventsPerSecond(run), run.measured)),
    ...report.drivers.map((driver, index) =>
      row(
        `the same upserts with the MongoDB driver, ${index === 0 ? 'before' : 'after'}`,
        driver.opsPerSecond,
        driver,
      ),
    ),
    '',
    `Baseline: the mean of the driver's runs, ${rate(driverRate)} upserts/s.`,
    '',
    'Targets:',
    '',
    ...report.runs.map((run) => {
      const ratio = eventsPerSecond(run) / driverRate;
      const met = ratio >= EVENTS_TARGET_RATIO ? 'met' : 'missed';
      return `- ${run.name}: events/s >= ${EVENTS_TARGET_RATIO} of the driver's: ${ratio.toFixed(2)}, **${met}**`;
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
