import { ConfigError } from './application/config/config-error.js';
import { loadServiceConfig } from './application/config/service-config.js';
import { startImagesService } from './application/images-service.js';
import { createLogger } from './application/logger.js';

/** Runs the service until SIGTERM or SIGINT; exit code 2 means the configuration is invalid. */
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
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping');
    void started.then((service) => service.stop()).catch(() => undefined);
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
