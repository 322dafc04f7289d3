import { describe, expect, it } from 'vitest';

import { createLogger } from '../../src/application/logger.js';
import { startPeriodicJob } from '../../src/application/periodic-job.js';
import { LogCapture } from '../support/log-capture.js';

describe('startPeriodicJob', () => {
  it('aborts the signal of the run in progress on stop() and waits for the run to end', async () => {
    const logger = createLogger('info', new LogCapture().stream);
    let begun!: () => void;
    const running = new Promise<void>((resolve) => (begun = resolve));
    const seen: boolean[] = [];

    const job = startPeriodicJob({
      name: 'until-stopped',
      intervalMs: 1,
      logger,
      // A run that only ends when told to, as a long reconciliation would at its next safe point.
      run: async (stopping) => {
        seen.push(stopping.aborted);
        begun();
        await new Promise<void>((resolve) =>
          stopping.addEventListener('abort', () => resolve(), { once: true }),
        );
        seen.push(stopping.aborted);
      },
    });
    await running;

    await job.stop();

    expect(seen).toEqual([false, true]);
  });
});
