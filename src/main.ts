import { ConfigError } from './application/config/config-error.js';
import { loadServiceConfig } from './application/config/service-config.js';
import { startImagesService } from './application/images-service.js';
import { createLogger } from './application/logger.js';

/**
 * A stop that had to cut off calls still in flight at SHUTDOWN_TIMEOUT: not 0, since callers
 * lost answers, and neither 1 (failed start) nor 2 (invalid configuration), so that a
 * supervisor or an operator can tell it apart.
 */
export const EXIT_STOP_FORCED = 3;

/**
 * Runs the service until SIGTERM or SIGINT. Exit codes: 0 stopped cleanly, 1 failed to start,
 * 2 invalid configuration, 3 stopped after cutting off calls (see EXIT_STOP_FORCED).
 */
export async function main(): Promise<void> {
  let config;
  try {
    config = loadServiceConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`images-service: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }

  const logger = createLogger(config.logLevel);
  const started = startImagesService(config, logger);

  // Listen for signals before start-up ends, so that an early stop request is honoured too.
  // Only the first signal stops gracefully: a second one ends the process at once.
  const stop = (signal: NodeJS.Signals) => {
    process.removeListener('SIGTERM', stop);
    process.removeListener('SIGINT', stop);
    logger.info({ signal, timeoutMs: config.operations.shutdownTimeoutMs }, 'stopping');
    void started.then(
      async (service) => {
        try {
          const outcome = await service.stop();
          // Something may still hold the event loop after a forced stop: leave regardless.
          if (outcome === 'forced') process.exit(EXIT_STOP_FORCED);
        } catch (error) {
          logger.error({ err: error }, 'stop failed');
          process.exit(1);
        }
      },
      // A failed start is reported below, with its own exit code.
      () => undefined,
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  try {
    await started;
  } catch (error) {
    logger.fatal({ err: error }, 'images service failed to start');
    process.removeListener('SIGTERM', stop);
    process.removeListener('SIGINT', stop);
    process.exitCode = 1;
  }
}
