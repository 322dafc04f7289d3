import type { Logger } from 'pino';

import { startGrpcServer } from '../adapters/grpc/grpc-server.js';
import { buildHttpApp, startHttpServer } from '../adapters/http/http-server.js';
import type { DeleteImage } from '../domain/use-cases/delete-image/delete-image.use-case.js';
import type { FindImage } from '../domain/use-cases/find-image/find-image.use-case.js';
import type { ListImages } from '../domain/use-cases/list-images/list-images.use-case.js';
import type { ServiceConfig } from './config/service-config.js';
import { createContainer } from './container.js';
import { openDatabase } from './database.js';
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
  const database = await openDatabase(config, logger);
  const container = createContainer(config, logger, database.connection);

  const grpc = await startGrpcServer(
    config.grpcAddress,
    {
      listImages: container.get<ListImages>(TOKENS.ListImages),
      findImage: container.get<FindImage>(TOKENS.FindImage),
      deleteImage: container.get<DeleteImage>(TOKENS.DeleteImage),
    },
    logger,
  );
  const http = await startHttpServer(buildHttpApp(logger), config.httpAddress);
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
      await Promise.all([grpc.shutdown(), http.close()]);
      await database.close();
      logger.info('images service stopped');
    },
  };
}
