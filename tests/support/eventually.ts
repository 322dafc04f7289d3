import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Retries `check` until it passes (resolves without throwing), for what arrives asynchronously,
 * such as a registry's notifications; after `timeoutMs` the last failure is thrown.
 */
export async function eventually<T>(
  check: () => Promise<T>,
  { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await sleep(intervalMs);
  }
}

/** Waits until `count()` has not changed for `quietMs`, such as a registry's queue draining. */
export async function settled(
  count: () => number,
  { quietMs = 1500, timeoutMs = 30_000 }: { quietMs?: number; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = count();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`still changing after ${timeoutMs} ms (at ${last})`);
    await sleep(100);
    const now = count();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
}
