import type { Logger } from 'pino';

import { startGrpcServer } from '../adapters/grpc/grpc-server.js';
import { buildHttpApp, startHttpServer } from '../adapters/http/http-server.js';
import { tokenRoutes } from '../adapters/http/token-routes.js';
import type { JoseTokenSigner } from '../adapters/token/jose-token-signer.js';
import type { DeleteImage } from '../domain/use-cases/delete-image/delete-image.use-case.js';
import type { FindImage } from '../domain/use-cases/find-image/find-image.use-case.js';
import type { IssueRegistryToken } from '../domain/use-cases/issue-registry-token/issue-registry-token.use-case.js';
import type { ListImages } from '../domain/use-cases/list-images/list-images.use-case.js';
import type { RefreshRegistryToken } from '../domain/use-cases/refresh-registry-token/refresh-registry-token.use-case.js';
import type { ServiceConfig } from './config/service-config.js';
import { createContainer } from './container.js';
import { openDatabase } from './database.js';
import {
  notificationSecrets,
  registerEventRoutes,
  startNotificationJobs,
} from './notifications.js';
import { openTokenServerResources } from './token-server.js';
import { TOKENS } from './tokens.js';

export interface RunningImagesService {
  readonly grpcPort: number;
  readonly httpPort: number;
  /** Stops accepting work, lets calls in flight finish, then closes the database. */
  stop(): Promise<void>;
}

/** Starts the whole service: database, gRPC API and HTTP endpoints. */
export async function startImagesService(
  config: ServiceConfig,
  logger: Logger,
): Promise<RunningImagesService> {
  // Before the database: a bad key or users file fails the start with nothing to close.
  const tokenServer = await openTokenServerResources(config, logger);
  const eventSecrets = await notificationSecrets(config, logger);
  const database = await openDatabase(config, logger);
  const container = createContainer(config, logger, database.connection, tokenServer);

  const grpc = await startGrpcServer(
    config.grpcAddress,
    {
      listImages: container.get<ListImages>(TOKENS.ListImages),
      findImage: container.get<FindImage>(TOKENS.FindImage),
      deleteImage: container.get<DeleteImage>(TOKENS.DeleteImage),
    },
    logger,
  );
  const app = buildHttpApp(logger);
  const signer = container.get<JoseTokenSigner>(TOKENS.JoseTokenSigner);
  await app.register(tokenRoutes, {
    issueToken: container.get<IssueRegistryToken>(TOKENS.IssueRegistryToken),
    refreshToken: container.get<RefreshRegistryToken>(TOKENS.RefreshRegistryToken),
    jwks: () => signer.jwks(),
    basicRealm: config.auth.realm.href,
  });
  await registerEventRoutes(app, container, eventSecrets);
  const http = await startHttpServer(app, config.httpAddress);
  const jobs = startNotificationJobs(container, logger);
  logger.info(
    {
      grpc: `${config.grpcAddress.host}:${grpc.port}`,
      http: `${config.httpAddress.host}:${http.port}`,
    },
    'images service listening',
  );

  return {
    grpcPort: grpc.port,
    httpPort: http.port,
    stop: async () => {
      await Promise.all([grpc.shutdown(), http.close(), jobs.stop()]);
      await database.close();
      await tokenServer.close();
      logger.info('images service stopped');
    },
  };
}
