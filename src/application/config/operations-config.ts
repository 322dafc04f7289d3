import type { EnvReader } from './env-reader.js';
import { duration } from './notification-config.js';

/** The files of the certificate both listeners present, and its private key. */
export interface TlsFiles {
  /** PEM certificate chain, leaf first. */
  readonly certificatePath: string;
  readonly keyPath: string;
}

/** How the service stops and whether it serves TLS (issue 5), validated with the rest. */
export interface OperationsConfig {
  /** SHUTDOWN_TIMEOUT: how long a stop waits for calls in flight before cutting them off. */
  readonly shutdownTimeoutMs: number;
  /** TLS_CERT_FILE and TLS_KEY_FILE; undefined serves gRPC and HTTP in plaintext. */
  readonly tls: TlsFiles | undefined;
  /** GRPC_CALLS_IN_FLIGHT: unary gRPC calls served at once; beyond them, UNAVAILABLE. */
  readonly grpcCallsInFlight: number;
}

const SECOND = 1000;
const DAY = 86_400 * SECOND;
// Kubernetes waits 30 s before it kills a pod; 10 s leaves room for closing the database.
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10 * SECOND;

export function loadOperationsConfig(reader: EnvReader): OperationsConfig {
  return {
    shutdownTimeoutMs:
      duration(reader, 'SHUTDOWN_TIMEOUT', DEFAULT_SHUTDOWN_TIMEOUT_MS, {
        min: SECOND,
        max: DAY,
      }) ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    tls: tlsFiles(reader),
    grpcCallsInFlight: reader.integer('GRPC_CALLS_IN_FLIGHT', 256, { min: 1, max: 100_000 }),
  };
}

function tlsFiles(reader: EnvReader): TlsFiles | undefined {
  const certificatePath = reader.optionalString('TLS_CERT_FILE');
  const keyPath = reader.optionalString('TLS_KEY_FILE');
  if (certificatePath !== undefined && keyPath !== undefined) return { certificatePath, keyPath };

  // Half a TLS setup would silently serve plaintext where the operator asked for TLS.
  if (certificatePath !== undefined) {
    return reader.reject('TLS_CERT_FILE', certificatePath, 'requires TLS_KEY_FILE too', undefined);
  }
  if (keyPath !== undefined) {
    return reader.reject('TLS_KEY_FILE', keyPath, 'requires TLS_CERT_FILE too', undefined);
  }
  return undefined;
}
