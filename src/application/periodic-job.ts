import type { Logger } from 'pino';

export interface PeriodicJob {
  /** Stops scheduling and aborts the signal of a run in progress; resolves once it has ended. */
  stop(): Promise<void>;
}

/**
 * Runs `run` every `intervalMs`, the first time one interval after start. A run never overlaps
 * the previous one: the next is scheduled when it ends. Failures are logged and the schedule
 * goes on; the timer does not keep the process alive. `run` gets a signal that is aborted when
 * the service stops, so that a long run can end early at a safe point.
 */
export function startPeriodicJob(options: {
  readonly name: string;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly run: (stopping: AbortSignal) => Promise<void>;
}): PeriodicJob {
  const log = options.logger.child({ job: options.name });
  const stopping = new AbortController();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const schedule = () => {
    timer = setTimeout(() => {
      running = options
        .run(stopping.signal)
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
      stopping.abort();
      await running;
    },
  };
}
