import type { Container } from 'inversify';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';

import { PollingImageEventFeed } from '../adapters/events/polling-image-event-feed.js';
import { imageEventModel } from '../adapters/mongo/image-event.schema.js';
import { MongooseImageEventLog } from '../adapters/mongo/mongoose-image-event-log.js';
import type { Clock } from '../domain/ports/clock.port.js';
import type { ImageEventLog } from '../domain/ports/image-event-log.port.js';
import { PruneImageEvents } from '../domain/use-cases/prune-image-events/prune-image-events.use-case.js';
import { WatchImages } from '../domain/use-cases/watch-images/watch-images.use-case.js';
import type { ServiceConfig } from './config/service-config.js';
import { startPeriodicJob, type PeriodicJob } from './periodic-job.js';
import { TOKENS } from './tokens.js';

// Old image events are pruned this often; the retention itself is WATCH_RETENTION.
const PRUNE_INTERVAL_MS = 3600 * 1000;

/** Binds the image event log, the process's one poller of it, and WatchImages. */
export function bindWatch(container: Container): void {
  container
    .bind<ImageEventLog>(TOKENS.ImageEventLog)
    .toResolvedValue(
      (mongo: Connection) => new MongooseImageEventLog(imageEventModel(mongo)),
      [TOKENS.MongoConnection],
    );
  container
    .bind(TOKENS.ImageEventFeed)
    .toResolvedValue(
      (log: ImageEventLog, settings: ServiceConfig, logger: Logger) =>
        new PollingImageEventFeed(log, { pollIntervalMs: settings.watch.pollIntervalMs, logger }),
      [TOKENS.ImageEventLog, TOKENS.Config, TOKENS.Logger],
    );
  container
    .bind(TOKENS.WatchImages)
    .toResolvedValue(
      (log: ImageEventLog, feed: PollingImageEventFeed) => new WatchImages(log, feed),
      [TOKENS.ImageEventLog, TOKENS.ImageEventFeed],
    );
  container
    .bind(TOKENS.PruneImageEvents)
    .toResolvedValue(
      (log: ImageEventLog, clock: Clock, settings: ServiceConfig) =>
        new PruneImageEvents(log, clock, settings.watch.retentionMs),
      [TOKENS.ImageEventLog, TOKENS.Clock, TOKENS.Config],
    );
}

/** Prunes image events older than WATCH_RETENTION every hour; stop() ends it. */
export function startWatchJobs(container: Container, logger: Logger): PeriodicJob {
  const prune = container.get<PruneImageEvents>(TOKENS.PruneImageEvents);

  return startPeriodicJob({
    name: 'prune-image-events',
    intervalMs: PRUNE_INTERVAL_MS,
    logger,
    run: async () => {
      const result = await prune.execute();
      if (result.ok) logger.info({ imageEvents: result.value }, 'image events pruned');
    },
  });
}

/** Ends every watch of this process, so that the gRPC server can drain. */
export async function stopWatches(container: Container): Promise<void> {
  await container.get<PollingImageEventFeed>(TOKENS.ImageEventFeed).stop();
}
