import { Container } from 'inversify';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

import { CachingImageCatalog } from '../adapters/cache/caching-image-catalog.js';
import { PrometheusCatalogCacheMetrics } from '../adapters/cache/prometheus-catalog-cache-metrics.js';
import { MongooseImageCatalog } from '../adapters/mongo/mongoose-image-catalog.js';
import { repositoryModel } from '../adapters/mongo/repository.schema.js';
import { HttpRegistryClient } from '../adapters/registry/http-registry-client.js';
import type { RegistryAuthorizer } from '../adapters/registry/registry-authorizer.js';
import type { Clock } from '../domain/ports/clock.port.js';
import type { ImageCatalog } from '../domain/ports/image-catalog.port.js';
import type { ImageEventLog } from '../domain/ports/image-event-log.port.js';
import type { RegistryClient } from '../domain/ports/registry-client.port.js';
import { DeleteImage } from '../domain/use-cases/delete-image/delete-image.use-case.js';
import { FindImage } from '../domain/use-cases/find-image/find-image.use-case.js';
import { ListImagePage } from '../domain/use-cases/list-image-page/list-image-page.use-case.js';
import { ListImages } from '../domain/use-cases/list-images/list-images.use-case.js';
import type { ServiceConfig } from './config/service-config.js';
import { bindMetrics } from './metrics.js';
import { bindNotifications } from './notifications.js';
import { bindTokenServer } from './token-bindings.js';
import type { TokenServerResources } from './token-server.js';
import { TOKENS } from './tokens.js';
import { bindWatch } from './watch.js';

const systemClock: Clock = { now: () => new Date() };

/** Binds every port to its adapter and every use case to its ports; all are singletons. */
export function createContainer(
  config: ServiceConfig,
  logger: Logger,
  connection: Connection,
  tokenServer: TokenServerResources,
) {
  const container = new Container({ defaultScope: 'Singleton' });

  container.bind(TOKENS.Config).toConstantValue(config);
  container.bind(TOKENS.Logger).toConstantValue(logger);
  container.bind(TOKENS.MongoConnection).toConstantValue(connection);
  container.bind<Clock>(TOKENS.Clock).toConstantValue(systemClock);
  bindMetrics(container, connection);
  bindTokenServer(container, tokenServer);

  container
    .bind<CachingImageCatalog>(TOKENS.ImageCatalog)
    .toResolvedValue(
      (mongo: Connection, settings: ServiceConfig, metrics: Registry) =>
        new CachingImageCatalog(
          new MongooseImageCatalog(repositoryModel(mongo)),
          settings.catalogCache,
          new PrometheusCatalogCacheMetrics(metrics),
        ),
      [TOKENS.MongoConnection, TOKENS.Config, TOKENS.MetricsRegistry],
    );
  container.bind<RegistryClient>(TOKENS.RegistryClient).toResolvedValue(
    (settings: ServiceConfig, authorizer: RegistryAuthorizer) =>
      new HttpRegistryClient({
        baseUrl: settings.registryUrl,
        timeoutMs: settings.registryTimeoutMs,
        authorizer,
        logger,
      }),
    [TOKENS.Config, TOKENS.RegistryAuthorizer],
  );

  container
    .bind(TOKENS.ListImages)
    .toResolvedValue((catalog: ImageCatalog) => new ListImages(catalog), [TOKENS.ImageCatalog]);
  container
    .bind(TOKENS.ListImagePage)
    .toResolvedValue((catalog: ImageCatalog) => new ListImagePage(catalog), [TOKENS.ImageCatalog]);
  container
    .bind(TOKENS.FindImage)
    .toResolvedValue((catalog: ImageCatalog) => new FindImage(catalog), [TOKENS.ImageCatalog]);
  container
    .bind(TOKENS.DeleteImage)
    .toResolvedValue(
      (catalog: ImageCatalog, registry: RegistryClient, clock: Clock, events: ImageEventLog) =>
        new DeleteImage(catalog, registry, clock, events),
      [TOKENS.ImageCatalog, TOKENS.RegistryClient, TOKENS.Clock, TOKENS.ImageEventLog],
    );
  bindNotifications(container);
  bindWatch(container);

  return container;
}
