import { describe, expect, it } from 'vitest';

import { drainWithin } from '../../src/application/graceful-stop.js';

/** What drainWithin did with its callbacks. */
function recorder() {
  const calls: string[] = [];
  return {
    calls,
    force: () => void calls.push('force'),
    failed: (error: unknown) => void calls.push(`failed: ${(error as Error).message}`),
  };
}

describe('drainWithin', () => {
  it('reports drained, forcing nothing, when everything ends before the deadline', async () => {
    const seen = recorder();

    const outcome = await drainWithin(Promise.resolve(), 60_000, seen.force, seen.failed);

    expect(outcome).toBe('drained');
    expect(seen.calls).toEqual([]);
  });

  it('forces and reports forced when the deadline comes first', async () => {
    const seen = recorder();
    const never = new Promise<void>(() => undefined);

    const outcome = await drainWithin(never, 10, seen.force, seen.failed);

    expect(outcome).toBe('forced');
    expect(seen.calls).toEqual(['force']);
  });

  it('passes on why a drain failed, then forces', async () => {
    const seen = recorder();

    const outcome = await drainWithin(
      Promise.reject(new Error('grpc shutdown failed')),
      60_000,
      seen.force,
      seen.failed,
    );

    expect(outcome).toBe('forced');
    expect(seen.calls).toEqual(['failed: grpc shutdown failed', 'force']);
  });
});
