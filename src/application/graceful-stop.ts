/** How a stop ended: every call in flight answered, or some were cut off at the deadline. */
export type StopOutcome = 'drained' | 'forced';

/**
 * Waits for `drained` for at most `timeoutMs`. Past the deadline it calls `force`, which must
 * end whatever is still in flight, and reports `forced`; it does not wait for `drained` then.
 * A drain that fails counts as forced too: something did not finish as it should, and
 * `failed` gets the reason.
 */
export async function drainWithin(
  drained: Promise<unknown>,
  timeoutMs: number,
  force: () => void,
  failed: (error: unknown) => void,
): Promise<StopOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });

  try {
    const first = await Promise.race([drained.then(() => 'done' as const), deadline]);
    if (first === 'done') return 'drained';
  } catch (error) {
    // Then force: a failed drain may have left connections open.
    failed(error);
  } finally {
    clearTimeout(timer);
  }

  force();
  return 'forced';
}
