import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

import { REQUEST_ID_LABEL, requestIdFor, runInRequestScope } from '../logging/request-scope.js';
import type { TlsIdentity } from '../tls/tls-identity.js';
import { trackRequestsInFlight } from './requests-in-flight.js';
import { clientErrorAnswer } from './client-error-answer.js';

/**
 * The most a request line and headers may take together; more gets 431. Node's default today,
 * set here so that NODE_OPTIONS=--max-http-header-size cannot change what the README promises.
 */
export const MAX_HEADER_BYTES = 16 * 1024;

export interface RunningHttpServer {
  readonly port: number;
  readonly app: FastifyInstance;
  /** Stops accepting requests and waits for the ones in flight. */
  close(): Promise<void>;
  /** Drops every connection, requests in flight included, after close() has begun. */
  forceClose(): void;
}

/**
 * Builds the Fastify app the registry talks to. Routes come as plugins from the adapters that
 * own them; this module owns only what every route shares (logging, request ids, liveness).
 */
export function buildHttpApp(logger: Logger, tls?: TlsIdentity): FastifyInstance {
  const app = Fastify({
    // null serves plain HTTP; with TLS_CERT_FILE the listener speaks HTTPS only.
    https:
      tls === undefined
        ? null
        : { key: tls.key, cert: tls.certificateChain, maxHeaderSize: MAX_HEADER_BYTES },
    // Read by Fastify when `https` is null; the HTTPS overload of its types does not list it.
    ...({ http: { maxHeaderSize: MAX_HEADER_BYTES } } as object),
    // pino's Logger is a FastifyBaseLogger; the cast keeps the app's type the plain one.
    loggerInstance: logger as FastifyBaseLogger,
    // The caller's x-request-id only when plain, else a UUID: the gRPC adapter's rule and form.
    requestIdHeader: false,
    genReqId: (request) => requestIdFor(request.headers['x-request-id']),
    // The same label as the gRPC adapter's, so one query finds a request in either.
    logController: new LogController({ requestIdLogLabel: REQUEST_ID_LABEL }),
    clientErrorHandler: clientErrorAnswer(logger as FastifyBaseLogger, MAX_HEADER_BYTES),
  });

  // Lines logged without request.log (use cases, adapters) still name the request. The scope
  // is entered again once the body is read: its stream events run outside the first one.
  app.addHook('onRequest', (request, _reply, done) => runInRequestScope(request.id, done));
  app.addHook('preValidation', (request, _reply, done) => runInRequestScope(request.id, done));

  app.get('/healthz', async () => ({ status: 'alive' }));

  // Routes see the same request and reply over HTTPS: one app type keeps the plugins simple.
  return app as unknown as FastifyInstance;
}

/** Listens on `host:port`; port 0 picks a free port. */
export async function startHttpServer(
  app: FastifyInstance,
  address: { readonly host: string; readonly port: number },
): Promise<RunningHttpServer> {
  const inFlight = trackRequestsInFlight(app.server);
  await app.listen({ host: address.host, port: address.port });
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : address.port;

  return {
    port,
    app,
    close: async () => {
      const closed = app.close();
      // A connection serving no request (kept alive, or opened and never used, as load
      // balancers do) would hold close() until it times out: drop it once the last is answered.
      await inFlight.drained();
      app.server.closeAllConnections();
      await closed;
    },
    forceClose: () => app.server.closeAllConnections(),
  };
}
