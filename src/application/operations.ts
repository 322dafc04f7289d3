import type { Connection } from 'mongoose';

import { databaseHealthService } from '../adapters/grpc/database-health.service.js';
import { readImagesApiDescriptorSet } from '../adapters/grpc/descriptor-set.js';
import type { GrpcOperations } from '../adapters/grpc/grpc-server.js';
import type { ReadinessChecks } from '../adapters/http/readiness-routes.js';
import { databaseAnswers } from '../adapters/mongo/database-ping.js';
import { registryAnswers } from '../adapters/registry/registry-probe.js';
import type { SigningKey } from '../adapters/token/signing-key.js';
import { loadTlsIdentity, type TlsIdentity } from '../adapters/tls/tls-identity.js';
import type { ServiceConfig } from './config/service-config.js';

// A Watch of the health service notices a database outage within this time.
const HEALTH_WATCH_INTERVAL_MS = 5000;

/** TLS_CERT_FILE and TLS_KEY_FILE, checked; undefined when the service serves plaintext. */
export async function loadConfiguredTls(config: ServiceConfig): Promise<TlsIdentity | undefined> {
  const files = config.operations.tls;
  return files === undefined ? undefined : loadTlsIdentity(files);
}

/**
 * What `/readyz` and the gRPC health service ask. Both answer within MONGODB_TIMEOUT_MS: the
 * registry check, run beside the database's, gets no longer, so that a hung registry cannot
 * make a probe time out.
 */
export function readinessChecks(
  config: ServiceConfig,
  connection: Connection,
  signingKey: SigningKey | undefined,
): ReadinessChecks {
  const registryTimeoutMs = Math.min(config.registryTimeoutMs, config.mongodbTimeoutMs);
  return {
    database: () => databaseAnswers(connection, config.mongodbTimeoutMs),
    signingKeyLoaded: () => signingKey !== undefined,
    registry: () => registryAnswers(config.registryUrl, registryTimeoutMs),
  };
}

/** Health, reflection, TLS and the bound on calls in flight for the gRPC server. */
export async function grpcOperations(
  checks: ReadinessChecks,
  stopping: AbortSignal,
  tls: TlsIdentity | undefined,
  callsInFlight: number,
): Promise<GrpcOperations> {
  return {
    health: databaseHealthService({
      databaseAnswers: () => checks.database(),
      stopping,
      watchIntervalMs: HEALTH_WATCH_INTERVAL_MS,
    }),
    descriptorSet: await readImagesApiDescriptorSet(),
    tls,
    callsInFlight,
  };
}
