import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';

/** One call of the operation under test; it throws (or rejects) when the call failed. */
export type Operation = () => Promise<void>;

/** What one run measured; latencies count successful calls only. */
export interface Measurement {
  readonly calls: number;
  readonly failed: number;
  readonly firstFailure: string | undefined;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * Closed loop: `concurrency` callers each send the next call as soon as the last one answered,
 * for `seconds`. Its throughput is the peak; its latencies include queueing at that peak.
 */
export async function closedLoop(
  operation: Operation,
  options: { concurrency: number; seconds: number; signal: AbortSignal },
): Promise<Measurement> {
  const recorder = new Recorder();
  const started = performance.now();
  const deadline = started + options.seconds * 1000;

  const caller = async () => {
    while (performance.now() < deadline && !options.signal.aborted) {
      const sent = performance.now();
      await recorder.time(operation, sent);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, caller));

  return recorder.measurement(performance.now() - started);
}

/**
 * Open loop: calls leave at scheduled times, `ratePerSecond` apart, whether or not earlier ones
 * answered. Latency counts from the scheduled time, so a stalled server shows up in the figures
 * instead of silently slowing the sender down (coordinated omission).
 */
export async function openLoop(
  operation: Operation,
  options: { ratePerSecond: number; seconds: number; signal: AbortSignal },
): Promise<Measurement> {
  const recorder = new Recorder();
  const interval = 1000 / options.ratePerSecond;
  const total = Math.max(1, Math.round(options.seconds * options.ratePerSecond));
  const calls: Promise<void>[] = [];
  const started = performance.now();

  for (let index = 0; index < total && !options.signal.aborted; index += 1) {
    const scheduled = started + index * interval;
    const wait = scheduled - performance.now();
    if (wait > 0) await sleep(wait);
    // A sender that fell behind still lets answers in now and then.
    else if (index % 64 === 0) await yieldToEventLoop();

    calls.push(recorder.time(operation, scheduled));
  }
  await Promise.all(calls);

  return recorder.measurement(performance.now() - started);
}

class Recorder {
  private readonly latencies: number[] = [];
  private failed = 0;
  private firstFailure: string | undefined;

  async time(operation: Operation, from: number): Promise<void> {
    try {
      await operation();
      this.latencies.push(performance.now() - from);
    } catch (error) {
      this.failed += 1;
      this.firstFailure ??= error instanceof Error ? error.message : String(error);
    }
  }

  measurement(elapsedMs: number): Measurement {
    const sorted = Float64Array.from(this.latencies).sort();

    return {
      calls: sorted.length + this.failed,
      failed: this.failed,
      firstFailure: this.firstFailure,
      opsPerSecond: (sorted.length * 1000) / elapsedMs,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
    };
  }
}

// Nearest rank: the smallest latency that at least `fraction` of the calls did not exceed.
export function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.ceil(fraction * sorted.length) - 1] as number;
}

/** The middle value, the upper of the two middle ones for an even count; NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
