import type { FastifyInstance } from 'fastify';
import type { Container } from 'inversify';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

import { BearerSecrets } from '../adapters/http/bearer-secrets.js';
import { EventMetrics } from '../adapters/http/event-metrics.js';
import { registryEventRoutes } from '../adapters/http/registry-event-routes.js';
import { MongooseProcessedEvents } from '../adapters/mongo/mongoose-processed-events.js';
import { processedEventModel } from '../adapters/mongo/processed-event.schema.js';
import { ReconcileMetrics } from '../adapters/metrics/reconcile-metrics.js';
import { HttpRegistryReader } from '../adapters/registry/http-registry-reader.js';
import { SERVICE_USER_AGENT } from '../adapters/registry/registry-http.js';
import {
  anonymousRegistryAccess,
  type RegistryAuthorizer,
} from '../adapters/registry/registry-authorizer.js';
import { loadOrGenerateNotificationSecret } from '../adapters/secrets/generated-notification-secret.js';
import type { Clock } from '../domain/ports/clock.port.js';
import type { ImageCatalog } from '../domain/ports/image-catalog.port.js';
import type { ImageEventLog } from '../domain/ports/image-event-log.port.js';
import type { ProcessedEvents } from '../domain/ports/processed-events.port.js';
import type { RegistryReader } from '../domain/ports/registry-reader.port.js';
import type { Secret } from '../domain/shared/secret.js';
import { IngestRegistryEvent } from '../domain/use-cases/ingest-registry-event/ingest-registry-event.use-case.js';
import { PruneEventRecords } from '../domain/use-cases/prune-event-records/prune-event-records.use-case.js';
import { ReconcileCatalog } from '../domain/use-cases/reconcile-catalog/reconcile-catalog.use-case.js';
import type { ServiceConfig } from './config/service-config.js';
import { startPeriodicJob, type PeriodicJob } from './periodic-job.js';
import { runScheduledReconcile } from './scheduled-reconcile.js';
import { TOKENS } from './tokens.js';

// Deletions and pull ids are pruned this often; the retention itself is EVENT_RETENTION.
const PRUNE_INTERVAL_MS = 3600 * 1000;

/** Binds what registry notifications and reconciliation need (issue 4) into the container. */
export function bindNotifications(container: Container): void {
  container
    .bind<ProcessedEvents>(TOKENS.ProcessedEvents)
    .toResolvedValue(
      (mongo: Connection) => new MongooseProcessedEvents(processedEventModel(mongo)),
      [TOKENS.MongoConnection],
    );
  // The token server's authorizer when it is bound (a registry with token auth refuses
  // anonymous reads of its catalog), anonymous access otherwise.
  container.bind<RegistryReader>(TOKENS.RegistryReader).toResolvedValue(
    (settings: ServiceConfig, logger: Logger, authorizer: RegistryAuthorizer | undefined) =>
      new HttpRegistryReader({
        baseUrl: settings.registryUrl,
        timeoutMs: settings.registryTimeoutMs,
        authorizer: authorizer ?? anonymousRegistryAccess,
        logger,
      }),
    [
      TOKENS.Config,
      TOKENS.Logger,
      { serviceIdentifier: TOKENS.RegistryAuthorizer, optional: true },
    ],
  );

  container
    .bind(TOKENS.IngestRegistryEvent)
    .toResolvedValue(
      (catalog: ImageCatalog, processed: ProcessedEvents, clock: Clock, events: ImageEventLog) =>
        new IngestRegistryEvent(
          catalog,
          processed,
          clock,
          { ownUserAgent: SERVICE_USER_AGENT },
          events,
        ),
      [TOKENS.ImageCatalog, TOKENS.ProcessedEvents, TOKENS.Clock, TOKENS.ImageEventLog],
    );
  container
    .bind(TOKENS.ReconcileCatalog)
    .toResolvedValue(
      (catalog: ImageCatalog, registry: RegistryReader, clock: Clock, events: ImageEventLog) =>
        new ReconcileCatalog(catalog, registry, clock, events),
      [TOKENS.ImageCatalog, TOKENS.RegistryReader, TOKENS.Clock, TOKENS.ImageEventLog],
    );
  container
    .bind(TOKENS.PruneEventRecords)
    .toResolvedValue(
      (catalog: ImageCatalog, processed: ProcessedEvents, clock: Clock, settings: ServiceConfig) =>
        new PruneEventRecords(catalog, processed, clock, settings.notifications.eventRetentionMs),
      [TOKENS.ImageCatalog, TOKENS.ProcessedEvents, TOKENS.Clock, TOKENS.Config],
    );
}

/**
 * The secrets `/event` accepts: NOTIFICATION_SECRETS, or the one generated under DATA_DIR on
 * first start. The log names the file, never the secret.
 */
export async function notificationSecrets(
  config: ServiceConfig,
  logger: Logger,
): Promise<BearerSecrets> {
  const configured = config.notifications.secrets;
  if (configured !== undefined) return new BearerSecrets(configured);

  const generated = await loadOrGenerateNotificationSecret(config.dataDir);
  const message = generated.created
    ? 'NOTIFICATION_SECRETS is unset: generated a notification secret'
    : 'NOTIFICATION_SECRETS is unset: using the generated notification secret';
  logger.info({ file: generated.path }, message);
  return new BearerSecrets([generated.secret]);
}

/**
 * The secret a registry should present: the first of NOTIFICATION_SECRETS (the newest, by the
 * rotation convention), or the one generated under DATA_DIR, made now when missing.
 */
export async function primaryNotificationSecret(config: ServiceConfig): Promise<Secret> {
  const configured = config.notifications.secrets?.[0];
  return configured ?? (await loadOrGenerateNotificationSecret(config.dataDir)).secret;
}

/** Registers `POST /event` on the HTTP app. */
export async function registerEventRoutes(
  app: FastifyInstance,
  container: Container,
  secrets: BearerSecrets,
): Promise<void> {
  const config = container.get<ServiceConfig>(TOKENS.Config);

  await app.register(registryEventRoutes, {
    ingest: container.get<IngestRegistryEvent>(TOKENS.IngestRegistryEvent),
    secrets,
    bodyLimit: config.notifications.bodyLimitBytes,
    requestsInFlight: config.notifications.requestsInFlight,
    metrics: new EventMetrics(container.get<Registry>(TOKENS.MetricsRegistry)),
  });
}

/** Starts pruning, and reconciliation when RECONCILE_INTERVAL is set; stop() ends both. */
export function startNotificationJobs(container: Container, logger: Logger): PeriodicJob {
  const config = container.get<ServiceConfig>(TOKENS.Config);
  const prune = container.get<PruneEventRecords>(TOKENS.PruneEventRecords);
  const reconcile = container.get<ReconcileCatalog>(TOKENS.ReconcileCatalog);

  const jobs = [
    startPeriodicJob({
      name: 'prune-event-records',
      intervalMs: PRUNE_INTERVAL_MS,
      logger,
      run: async () => {
        const result = await prune.execute();
        if (result.ok) logger.info({ ...result.value }, 'event records pruned');
      },
    }),
  ];

  const intervalMs = config.notifications.reconcileIntervalMs;
  if (intervalMs !== undefined) {
    const metrics = new ReconcileMetrics(container.get<Registry>(TOKENS.MetricsRegistry));
    jobs.push(
      startPeriodicJob({
        name: 'reconcile',
        intervalMs,
        logger,
        run: (stopping) => runScheduledReconcile(reconcile, metrics, logger, stopping),
      }),
    );
  }

  return { stop: async () => void (await Promise.all(jobs.map((job) => job.stop()))) };
}
