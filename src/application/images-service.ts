import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

import { GrpcMetrics } from '../adapters/grpc/grpc-metrics.js';
import { startGrpcServer } from '../adapters/grpc/grpc-server.js';
import { buildHttpApp, startHttpServer } from '../adapters/http/http-server.js';
import { metricsRoutes } from '../adapters/http/metrics-routes.js';
import { readinessRoutes } from '../adapters/http/readiness-routes.js';
import { TokenMetrics } from '../adapters/http/token-metrics.js';
import { tokenRoutes } from '../adapters/http/token-routes.js';
import type { JoseTokenSigner } from '../adapters/token/jose-token-signer.js';
import type { DeleteImage } from '../domain/use-cases/delete-image/delete-image.use-case.js';
import type { FindImage } from '../domain/use-cases/find-image/find-image.use-case.js';
import type { IssueRegistryToken } from '../domain/use-cases/issue-registry-token/issue-registry-token.use-case.js';
import type { ListImagePage } from '../domain/use-cases/list-image-page/list-image-page.use-case.js';
import type { ListImages } from '../domain/use-cases/list-images/list-images.use-case.js';
import type { RefreshRegistryToken } from '../domain/use-cases/refresh-registry-token/refresh-registry-token.use-case.js';
import type { WatchImages } from '../domain/use-cases/watch-images/watch-images.use-case.js';
import type { ServiceConfig } from './config/service-config.js';
import { startCatalogCacheFollower } from './catalog-cache.js';
import { createContainer } from './container.js';
import { openDatabase } from './database.js';
import { drainWithin, type StopOutcome } from './graceful-stop.js';
import {
  notificationSecrets,
  registerEventRoutes,
  startNotificationJobs,
} from './notifications.js';
import { grpcOperations, loadConfiguredTls, readinessChecks } from './operations.js';
import { openTokenServerResources } from './token-server.js';
import { TOKENS } from './tokens.js';
import { startWatchJobs, stopWatches } from './watch.js';

export interface RunningImagesService {
  readonly grpcPort: number;
  readonly httpPort: number;
  /**
   * Stops accepting work and lets calls in flight finish, for at most SHUTDOWN_TIMEOUT, then
   * closes the database. Past the timeout the calls still in flight are cut off (`forced`).
   * Calling it again returns the first stop's outcome.
   */
  stop(): Promise<StopOutcome>;
}

/** Starts the whole service: database, gRPC API and HTTP endpoints. */
export async function startImagesService(
  config: ServiceConfig,
  logger: Logger,
): Promise<RunningImagesService> {
  // Before the database: a bad key or users file fails the start with nothing to close.
  const tls = await loadConfiguredTls(config);
  const tokenServer = await openTokenServerResources(config, logger);
  const eventSecrets = await notificationSecrets(config, logger);
  const database = await openDatabase(config, logger);
  const container = createContainer(config, logger, database.connection, tokenServer);
  const metrics = container.get<Registry>(TOKENS.MetricsRegistry);
  const stopping = new AbortController();
  const checks = readinessChecks(config, database.connection, tokenServer.signingKey);

  const grpc = await startGrpcServer(
    config.grpcAddress,
    {
      listImages: container.get<ListImages>(TOKENS.ListImages),
      listImagePage: container.get<ListImagePage>(TOKENS.ListImagePage),
      findImage: container.get<FindImage>(TOKENS.FindImage),
      deleteImage: container.get<DeleteImage>(TOKENS.DeleteImage),
      watchImages: container.get<WatchImages>(TOKENS.WatchImages),
    },
    logger,
    new GrpcMetrics(metrics),
    await grpcOperations(checks, stopping.signal, tls, config.operations.grpcCallsInFlight),
  );
  const app = buildHttpApp(logger, tls);
  await app.register(readinessRoutes, checks);
  const signer = container.get<JoseTokenSigner>(TOKENS.JoseTokenSigner);
  await app.register(tokenRoutes, {
    issueToken: container.get<IssueRegistryToken>(TOKENS.IssueRegistryToken),
    refreshToken: container.get<RefreshRegistryToken>(TOKENS.RefreshRegistryToken),
    jwks: () => signer.jwks(),
    basicRealm: config.auth.realm.href,
    metrics: new TokenMetrics(metrics),
  });
  await app.register(metricsRoutes, { registry: metrics });
  await registerEventRoutes(app, container, eventSecrets);
  const http = await startHttpServer(app, config.httpAddress);
  const jobs = startNotificationJobs(container, logger);
  const watchJobs = startWatchJobs(container, logger);
  const cacheFollower = startCatalogCacheFollower(container, logger);
  logger.info(
    {
      grpc: `${config.grpcAddress.host}:${grpc.port}`,
      http: `${config.httpAddress.host}:${http.port}`,
      tls: tls !== undefined,
    },
    'images service listening',
  );

  const stop = async (): Promise<StopOutcome> => {
    // Health turns NOT_SERVING, health watches end and periodic jobs stop at a safe point.
    stopping.abort();

    const timeoutMs = config.operations.shutdownTimeoutMs;
    const outcome = await drainWithin(
      // WatchImages streams never end by themselves: they end first, or the drain would wait.
      Promise.all([
        stopWatches(container),
        grpc.shutdown(),
        http.close(),
        jobs.stop(),
        watchJobs.stop(),
        cacheFollower.stop(),
      ]),
      timeoutMs,
      () => {
        grpc.forceShutdown();
        http.forceClose();
      },
      (error) => logger.error({ err: error }, 'stop failed to drain calls in flight'),
    );
    if (outcome === 'forced') {
      logger.error({ timeoutMs }, 'calls still in flight after SHUTDOWN_TIMEOUT were cut off');
    }

    await database.close();
    await tokenServer.close();
    logger.info({ outcome }, 'images service stopped');
    return outcome;
  };
  let stopped: Promise<StopOutcome> | undefined;

  return {
    grpcPort: grpc.port,
    httpPort: http.port,
    stop: () => (stopped ??= stop()),
  };
}
