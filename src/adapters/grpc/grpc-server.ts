import { ServerCredentials } from '@grpc/grpc-js';
import { createServer, type ServiceImplementation } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { ServerReflectionService } from 'nice-grpc-server-reflection';
import type { Logger } from 'pino';

import { ImagesAPIDefinition } from '../../../generated/images_api.js';
import type { TlsIdentity } from '../tls/tls-identity.js';
import { callsInFlightMiddleware } from './calls-in-flight.js';
import { grpcMetricsMiddleware, type GrpcMetrics } from './grpc-metrics.js';
import { ImagesApiService, type CatalogUseCases } from './images-api.service.js';
import { packageFreeServerReflection } from './package-free-reflection.js';
import { requestContextMiddleware } from './request-context.js';

export interface RunningGrpcServer {
  readonly port: number;
  /** Stops accepting calls and waits for the ones in flight. */
  shutdown(): Promise<void>;
  /** Cancels the calls still in flight (their clients get CANCELLED) and closes at once. */
  forceShutdown(): void;
}

/** What the server offers operators beside ImagesAPI. */
export interface GrpcOperations {
  /** `grpc.health.v1.Health`. */
  readonly health: ServiceImplementation<HealthDefinition>;
  /** The FileDescriptorSet that server reflection serves, so that grpcurl needs no .proto. */
  readonly descriptorSet: Uint8Array;
  /** Serves TLS with this identity; plaintext when undefined. */
  readonly tls: TlsIdentity | undefined;
  /** Unary calls served at once; the ones beyond are refused with UNAVAILABLE. */
  readonly callsInFlight: number;
}

/** Serves ImagesAPI, health and reflection on `host:port`; port 0 picks a free port. */
export async function startGrpcServer(
  address: { readonly host: string; readonly port: number },
  useCases: CatalogUseCases,
  logger: Logger,
  metrics: GrpcMetrics,
  operations: GrpcOperations,
): Promise<RunningGrpcServer> {
  // Metrics outermost: a call is timed from arrival to answer, whatever the rest does, and a
  // refusal for load is counted too.
  const server = createServer()
    .use(grpcMetricsMiddleware(metrics))
    .use(callsInFlightMiddleware(operations.callsInFlight))
    .use(requestContextMiddleware(logger));
  server.add(ImagesAPIDefinition, new ImagesApiService(useCases));
  server.add(HealthDefinition, operations.health);
  server.add(
    ServerReflectionService,
    packageFreeServerReflection(operations.descriptorSet, [
      ImagesAPIDefinition.fullName,
      HealthDefinition.fullName,
    ]),
  );

  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  const port = await server.listen(`${host}:${address.port}`, credentialsOf(operations.tls));

  return { port, shutdown: () => server.shutdown(), forceShutdown: () => server.forceShutdown() };
}

function credentialsOf(tls: TlsIdentity | undefined): ServerCredentials {
  if (tls === undefined) return ServerCredentials.createInsecure();
  // No client certificates: callers authenticate, if at all, above the transport.
  return ServerCredentials.createSsl(
    null,
    [{ private_key: tls.key, cert_chain: tls.certificateChain }],
    false,
  );
}
