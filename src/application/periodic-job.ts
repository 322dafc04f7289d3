import type { Logger } from 'pino';

export interface PeriodicJob {
  /** Stops scheduling; resolves once a run in progress has finished. */
  stop(): Promise<void>;
}

/**
 * Runs `run` every `intervalMs`, the first time one interval after start. A run never overlaps
 * the previous one: the next is scheduled when it ends. Failures are logged and the schedule
 * goes on; the timer does not keep the process alive.
 */
export function startPeriodicJob(options: {
  readonly name: string;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly run: () => Promise<void>;
}): PeriodicJob {
  const log = options.logger.child({ job: options.name });
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const schedule = () => {
    timer = setTimeout(() => {
      running = options
        .run()
        .catch((error: unknown) => log.error({ err: error }, 'periodic job failed'));
      void running.then(() => {
        if (!stopped) schedule();
      });
    }, options.intervalMs);
    timer.unref();
  };
  schedule();

  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
