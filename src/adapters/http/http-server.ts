import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

export interface RunningHttpServer {
  readonly port: number;
  readonly app: FastifyInstance;
  /** Stops accepting requests and waits for the ones in flight. */
  close(): Promise<void>;
}

/**
 * Builds the Fastify app the registry talks to. Routes come as plugins from the adapters that
 * own them; this module owns only what every route shares (logging, request ids, liveness).
 */
export function buildHttpApp(logger: Logger): FastifyInstance {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the app's type the plain one.
    loggerInstance: logger as FastifyBaseLogger,
    requestIdHeader: 'x-request-id',
    // The same label as the gRPC adapter's, so one query finds a request in either.
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
  });

  app.get('/healthz', async () => ({ status: 'alive' }));

  return app;
}

/** Listens on `host:port`; port 0 picks a free port. */
export async function startHttpServer(
  app: FastifyInstance,
  address: { readonly host: string; readonly port: number },
): Promise<RunningHttpServer> {
  await app.listen({ host: address.host, port: address.port });
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : address.port;

  return { port, app, close: () => app.close() };
}
