import { pino, type Logger } from 'pino';

import type {
  ReconcileCatalog,
  ReconcileSummary,
} from '../../domain/use-cases/reconcile-catalog/reconcile-catalog.use-case.js';
import { ConfigError } from '../config/config-error.js';
import { loadServiceConfig, type ServiceConfig } from '../config/service-config.js';
import { createContainer } from '../container.js';
import { openDatabase } from '../database.js';
import { createLogger } from '../logger.js';
import { openTokenServerResources } from '../token-server.js';
import { TOKENS } from '../tokens.js';
import { createProgressBar } from './progress-bar.js';

export const RECONCILE_USAGE = 'usage: images-service reconcile [--dry-run]\n';

export interface CommandIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
}

/**
 * `images-service reconcile [--dry-run]`: makes the catalog equal to the registry, with the
 * service's own configuration, and prints what it changed. Resolves to the exit code: 0 done,
 * 1 the registry could not be read (wholly or for some repositories), 2 bad usage or configuration.
 */
export async function runReconcileCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const unknown = args.filter((arg) => arg !== '--dry-run');
  if (unknown.length > 0) {
    io.stderr.write(
      `images-service: reconcile does not know "${unknown.join(' ')}"\n${RECONCILE_USAGE}`,
    );
    return 2;
  }
  const dryRun = args.includes('--dry-run');

  let config;
  try {
    config = loadServiceConfig(io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`images-service: ${error.message}\n`);
    return 2;
  }

  // Logs go to stderr with the bar, so that stdout holds the summary alone; start-up chatter
  // would break the bar's line, so only warnings show unless LOG_LEVEL asks for more.
  const level = io.env['LOG_LEVEL'] === undefined ? 'warn' : config.logLevel;
  const logger = createLogger(level, pino.destination({ fd: 2, sync: true }));
  try {
    return await reconcile(config, logger, dryRun, io);
  } catch (error) {
    // The database or the signing key, most likely: the message names which; the log has more.
    logger.error({ err: error }, 'reconcile failed');
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`images-service: reconcile failed: ${message}\n`);
    return 1;
  }
}

async function reconcile(
  config: ServiceConfig,
  logger: Logger,
  dryRun: boolean,
  io: CommandIo,
): Promise<number> {
  const tokenServer = await openTokenServerResources(config, logger);
  const database = await openDatabase(config, logger).catch(async (error: unknown) => {
    await tokenServer.close();
    throw error;
  });
  try {
    const container = createContainer(config, logger, database.connection, tokenServer);
    const bar = createProgressBar(io.stderr, 'reconcile');

    const result = await container.get<ReconcileCatalog>(TOKENS.ReconcileCatalog).execute({
      dryRun,
      onProgress: ({ done, total }) => bar.update(done, total),
    });
    bar.finish();

    if (!result.ok) {
      io.stderr.write(`images-service: ${result.error.message}; nothing was changed\n`);
      return 1;
    }
    io.stdout.write(formatSummary(result.value, dryRun));
    return result.value.failed.length > 0 ? 1 : 0;
  } finally {
    await database.close();
    await tokenServer.close();
  }
}

function formatSummary(summary: ReconcileSummary, dryRun: boolean): string {
  const lines = [
    `${dryRun ? 'dry run, nothing changed: ' : ''}${summary.repositories} repositories`,
    `added: ${summary.added}`,
    `updated: ${summary.updated}`,
    `removed: ${summary.removed}`,
    `unchanged: ${summary.unchanged}`,
  ];
  if (summary.failed.length > 0) {
    lines.push(`failed (left as they were): ${summary.failed.join(', ')}`);
  }
  if (summary.skipped.length > 0) {
    lines.push(`skipped (not <username>/<imagename>): ${summary.skipped.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
