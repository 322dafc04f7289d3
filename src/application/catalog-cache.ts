import type { Container } from 'inversify';
import type { Logger } from 'pino';

import { CatalogCacheFollower } from '../adapters/cache/catalog-cache-follower.js';
import type { CachingImageCatalog } from '../adapters/cache/caching-image-catalog.js';
import type { ImageEventFeed } from '../domain/ports/image-event-feed.port.js';
import type { ImageEventLog } from '../domain/ports/image-event-log.port.js';
import type { ServiceConfig } from './config/service-config.js';
import { TOKENS } from './tokens.js';

/**
 * Starts following the image event log for the catalog cache, so that this replica forgets
 * what other replicas change; with the cache turned off there is nothing to follow.
 */
export function startCatalogCacheFollower(
  container: Container,
  logger: Logger,
): { stop(): Promise<void> } {
  const config = container.get<ServiceConfig>(TOKENS.Config);
  if (config.catalogCache.ttlMs === 0) return { stop: async () => undefined };

  const follower = new CatalogCacheFollower(
    container.get<CachingImageCatalog>(TOKENS.ImageCatalog),
    container.get<ImageEventLog>(TOKENS.ImageEventLog),
    container.get<ImageEventFeed>(TOKENS.ImageEventFeed),
    { retryDelayMs: config.watch.pollIntervalMs, logger },
  );
  follower.start();
  return follower;
}
