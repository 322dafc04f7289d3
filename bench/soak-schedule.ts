import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { percentile } from './load-runs.js';

/**
 * How one call ended: `ok`, or `retry` for an answer that tells the caller to come back later
 * (a 503 the registry retries). A call that fails in any other way throws.
 */
export type CallOutcome = 'ok' | 'retry';

/** One kind of traffic, sent at a fixed rate. */
export interface Workload {
  readonly name: string;
  readonly ratePerSecond: number;
  readonly call: () => Promise<CallOutcome>;
}

/** What one kind of traffic met; latencies are of calls answered `ok` in time. */
export class Tally {
  sent = 0;
  ok = 0;
  retried = 0;
  /** Answered, but later than the deadline after their scheduled time, or never. */
  timedOut = 0;
  errors = 0;
  firstError: string | undefined;
  readonly latencies: number[] = [];
  /** Set once the run is over: answers arriving after that are not counted. */
  closed = false;

  get answered(): number {
    return this.ok + this.retried + this.timedOut + this.errors;
  }

  p(fraction: number): number {
    return percentile(Float64Array.from(this.latencies).sort(), fraction);
  }
}

export interface ScheduleOptions {
  /** Load before the measured window; its calls are counted apart and discarded. */
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** An answer later than this after the call's scheduled time counts as timed out. */
  readonly deadlineMs: number;
  readonly signal: AbortSignal;
  /** Called about once a second with the measured window's tallies so far. */
  readonly onSecond?: (elapsedSeconds: number, tallies: ReadonlyMap<string, Tally>) => void;
}

const TICK_MS = 5;

/**
 * Open loop: every workload's calls leave at their scheduled times, `1 / rate` apart, whether or
 * not earlier ones answered, and latency counts from the scheduled time: a stall of the server
 * (or of this process) shows up in the figures instead of slowing the sender down. Returns the
 * measured window's tallies once every call answered or passed its deadline.
 */
export async function runOpenLoops(
  workloads: readonly Workload[],
  options: ScheduleOptions,
): Promise<Map<string, Tally>> {
  const warmup = new Map(workloads.map((workload) => [workload.name, new Tally()]));
  const measured = new Map(workloads.map((workload) => [workload.name, new Tally()]));
  const windowStartMs = options.warmupSeconds * 1000;
  const endMs = windowStartMs + options.seconds * 1000;
  const pending = new Set<Promise<void>>();
  const started = performance.now();
  let lastReport = 0;

  for (;;) {
    const elapsed = performance.now() - started;
    const due = Math.min(elapsed, endMs);
    for (const workload of workloads) {
      const interval = 1000 / workload.ratePerSecond;
      const sent =
        (warmup.get(workload.name) as Tally).sent + (measured.get(workload.name) as Tally).sent;
      // Every call whose time has come leaves now, stamped with the time it was due.
      for (let index = sent; index * interval < due; index += 1) {
        const offset = index * interval;
        const tally = (offset < windowStartMs ? warmup : measured).get(workload.name) as Tally;
        const call = send(workload, tally, started + offset, options.deadlineMs);
        pending.add(call);
        void call.finally(() => pending.delete(call));
      }
    }

    const seconds = Math.floor((elapsed - windowStartMs) / 1000);
    if (seconds > lastReport && elapsed >= windowStartMs) {
      lastReport = seconds;
      options.onSecond?.(seconds, measured);
    }
    if (elapsed >= endMs || options.signal.aborted) break;
    await sleep(TICK_MS);
  }

  // Calls still out at their deadline count as timed out; their late answers change nothing.
  const drained = Promise.all(pending);
  await Promise.race([drained, sleep(options.deadlineMs)]);
  for (const tally of [...warmup.values(), ...measured.values()]) {
    tally.timedOut += tally.sent - tally.answered;
    tally.closed = true;
  }
  return measured;
}

async function send(
  workload: Workload,
  tally: Tally,
  scheduled: number,
  deadlineMs: number,
): Promise<void> {
  tally.sent += 1;
  let outcome: CallOutcome;
  try {
    outcome = await workload.call();
  } catch (error) {
    if (tally.closed) return;
    tally.errors += 1;
    tally.firstError ??= error instanceof Error ? error.message : String(error);
    return;
  }

  const latency = performance.now() - scheduled;
  if (tally.closed) return;
  if (latency > deadlineMs) tally.timedOut += 1;
  else if (outcome === 'retry') tally.retried += 1;
  else {
    tally.ok += 1;
    tally.latencies.push(latency);
  }
}
