import { availableParallelism, cpus } from 'node:os';

import type { Measurement } from './load-runs.js';

/** The targets: the service keeps most of the driver's speed and stays quick at half load. */
export const TARGETS = { findRatio: 0.6, halfPeakP99Ms: 5 } as const;

const SUMMARY_COLUMNS = [
  'Operation',
  'Service ops/s',
  'Driver ops/s',
  'Service/driver',
  'p50 at peak',
  'p99 at peak',
  'p99 at half peak',
];

/** Everything measured for one operation, through the service and with the bare driver. */
export interface OperationResult {
  readonly name: string;
  readonly driverQuery: string;
  /** Closed loop: the service's peak throughput. */
  readonly service: Measurement;
  /** Open loop at half of the service's peak. */
  readonly halfPeak: Measurement;
  readonly halfPeakRate: number;
  readonly driver: Measurement;
  /**
   * The driver's query at the same rate as `halfPeak`: the database's own latency there, which
   * no service in front of it can beat. Absent in results from before it was measured.
   */
  readonly driverHalfPeak?: Measurement;
}

export interface BenchSetup {
  readonly repositories: number;
  readonly owners: number;
  readonly concurrency: number;
  readonly seconds: number;
  /** The database server as it describes itself (`buildInfo`). */
  readonly database: string;
  /** The machine the figures were measured on, as the JSON results keep it; this one when absent. */
  readonly machine?: string;
}

/** The run as Markdown, ready to paste into the README. */
export function renderReport(
  setup: BenchSetup,
  find: OperationResult,
  list: OperationResult,
): string {
  const scale = `${count(setup.repositories)} repositories, ${count(setup.owners)} owners`;
  const lines = [
    `### gRPC catalog benchmark: ${scale}`,
    '',
    ...summaryTable([find, list]),
    '',
    'Each run, in detail:',
    '',
    ...detailTable([find, list], setup.concurrency),
    '',
    'Targets:',
    '',
    ...targetLines(find, list),
    '',
    `Machine: ${setup.machine ?? machine()}. Database: ${setup.database}. ${setup.seconds} s per run; ` +
      "the open loop's latencies count from each call's scheduled time.",
  ];
  return `${lines.join('\n')}\n`;
}

// Latencies here are the service's at peak; the detail table has the driver's.
function summaryTable(results: readonly OperationResult[]): string[] {
  return [
    row(SUMMARY_COLUMNS),
    '|---|---:|---:|---:|---:|---:|---:|',
    ...results.map((result) =>
      row([
        result.name,
        rate(result.service.opsPerSecond),
        rate(result.driver.opsPerSecond),
        ratio(result).toFixed(2),
        ms(result.service.p50Ms),
        ms(result.service.p99Ms),
        ms(result.halfPeak.p99Ms),
      ]),
    ),
  ];
}

function detailTable(results: readonly OperationResult[], concurrency: number): string[] {
  const closed = `closed loop, ${concurrency} in flight`;
  const detail = (run: string, load: string, measured: Measurement) =>
    row([
      run,
      load,
      count(measured.calls),
      count(measured.failed),
      rate(measured.opsPerSecond),
      ms(measured.p50Ms),
      ms(measured.p99Ms),
    ]);

  return [
    row(['Run', 'Load', 'Calls', 'Failed', 'ops/s', 'p50', 'p99']),
    '|---|---|---:|---:|---:|---:|---:|',
    ...results.flatMap((result) => [
      detail(`${result.name} via gRPC`, closed, result.service),
      detail(
        `${result.name} via gRPC`,
        `open loop, ${rate(result.halfPeakRate)}/s`,
        result.halfPeak,
      ),
      detail(`\`${result.driverQuery}\``, closed, result.driver),
      ...(result.driverHalfPeak === undefined
        ? []
        : [
            detail(
              `\`${result.driverQuery}\``,
              `open loop, ${rate(result.halfPeakRate)}/s`,
              result.driverHalfPeak,
            ),
          ]),
    ]),
  ];
}

function targetLines(find: OperationResult, list: OperationResult): string[] {
  const findRatio = ratio(find);
  const lines = [
    target(
      `Find service/driver >= ${TARGETS.findRatio}`,
      findRatio.toFixed(2),
      findRatio >= TARGETS.findRatio,
    ),
  ];
  for (const result of [find, list]) {
    const p99 = result.halfPeak.p99Ms;
    const rule = `${result.name} p99 at half peak <= ${TARGETS.halfPeakP99Ms} ms`;
    // The database's own p99 at that rate says whether the target was within reach at all.
    const own = result.driverHalfPeak;
    const baseline = own === undefined ? '' : ` (the driver alone: ${ms(own.p99Ms)})`;
    lines.push(target(rule, `${ms(p99)}${baseline}`, p99 <= TARGETS.halfPeakP99Ms));
  }
  return lines;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function ratio(result: OperationResult): number {
  return result.service.opsPerSecond / result.driver.opsPerSecond;
}

function target(rule: string, value: string, met: boolean): string {
  return `- ${rule}: ${value}, **${met ? 'met' : 'missed'}**`;
}

/** This machine, as the report names it. */
export function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const platform = `${process.platform}/${process.arch}`;
  return `${availableParallelism()} CPUs (${model}), Node ${process.version}, ${platform}`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** Calls per second, with the digits that matter: a few figures, from 0.033 to 12,345. */
export function rate(value: number): string {
  if (value < 1) return String(Number(value.toPrecision(2)));
  return value.toLocaleString('en-US', { maximumFractionDigits: value < 100 ? 1 : 0 });
}

// At 100,000 repositories on FerretDB a List takes seconds; milliseconds would hide that.
function ms(value: number): string {
  if (Number.isNaN(value)) return 'n/a';
  if (value >= 1000) return `${(value / 1000).toFixed(1)} s`;
  return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ms`;
}
