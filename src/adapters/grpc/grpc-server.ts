import { createServer } from 'nice-grpc';
import type { Logger } from 'pino';

import { ImagesAPIDefinition } from '../../../generated/images_api.js';
import { ImagesApiService, type CatalogUseCases } from './images-api.service.js';
import { requestContextMiddleware } from './request-context.js';

export interface RunningGrpcServer {
  readonly port: number;
  /** Stops accepting calls and waits for the ones in flight. */
  shutdown(): Promise<void>;
}

/** Serves ImagesAPI on `host:port`; port 0 picks a free port. */
export async function startGrpcServer(
  address: { readonly host: string; readonly port: number },
  useCases: CatalogUseCases,
  logger: Logger,
): Promise<RunningGrpcServer> {
  const server = createServer().use(requestContextMiddleware(logger));
  server.add(ImagesAPIDefinition, new ImagesApiService(useCases));

  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  const port = await server.listen(`${host}:${address.port}`);

  return { port, shutdown: () => server.shutdown() };
}
