import { redactUri } from '../../adapters/mongo/redact-uri.js';
import { loadAuthConfig, type AuthConfig } from './auth-config.js';
import { loadCatalogCacheConfig, type CatalogCacheConfig } from './catalog-cache-config.js';
import { ConfigError } from './config-error.js';
import { EnvReader, type ListenAddress } from './env-reader.js';
import { loadNotificationConfig, type NotificationConfig } from './notification-config.js';
import { loadWatchConfig, type WatchConfig } from './watch-config.js';
import { loadOperationsConfig, type OperationsConfig } from './operations-config.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything the service reads from its environment, validated. */
export interface ServiceConfig {
  /** The catalog's server; undefined starts an embedded MongoDB under `dataDir`. */
  readonly mongodbUri: string | undefined;
  readonly mongodbTimeoutMs: number;
  /** MONGODB_POOL_SIZE: database operations in flight at most. */
  readonly mongodbPoolSize: number;
  readonly dataDir: string;
  readonly grpcAddress: ListenAddress;
  readonly httpAddress: ListenAddress;
  readonly registryUrl: URL;
  readonly registryTimeoutMs: number;
  readonly logLevel: LogLevel;
  /** The token server: keys, policy and where passwords are checked. */
  readonly auth: AuthConfig;
  /** The notification endpoint, event retention and reconciliation. */
  readonly notifications: NotificationConfig;
  /** The cache of Find and List answers. */
  readonly catalogCache: CatalogCacheConfig;
  /** WatchImages' event retention and polling. */
  readonly watch: WatchConfig;
  /** Graceful stop and TLS. */
  readonly operations: OperationsConfig;
}

/** Parses the environment once, at start-up; throws ConfigError naming every bad variable. */
export function loadServiceConfig(
  env: Readonly<Record<string, string | undefined>>,
): ServiceConfig {
  const reader = new EnvReader(env);
  const httpAddress = reader.listenAddress('HTTP_ADDR', '0.0.0.0:5002');

  const config: ServiceConfig = {
    mongodbUri: mongodbUri(reader),
    mongodbTimeoutMs: reader.integer('MONGODB_TIMEOUT_MS', 3000, { min: 100, max: 600_000 }),
    mongodbPoolSize: reader.integer('MONGODB_POOL_SIZE', 32, { min: 1, max: 1000 }),
    dataDir: reader.string('DATA_DIR', './data'),
    // 50050 is the port FogCore's clients are configured with.
    grpcAddress: reader.listenAddress('GRPC_ADDR', '0.0.0.0:50050'),
    httpAddress,
    registryUrl: reader.url('REGISTRY_URL', 'http://127.0.0.1:5000', ['http:', 'https:']),
    registryTimeoutMs: reader.integer('REGISTRY_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
    logLevel: reader.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    auth: loadAuthConfig(reader, httpAddress),
    notifications: loadNotificationConfig(reader),
    catalogCache: loadCatalogCacheConfig(reader),
    watch: loadWatchConfig(reader),
    operations: loadOperationsConfig(reader),
  };

  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return config;
}

function mongodbUri(reader: EnvReader): string | undefined {
  const value = reader.optionalString('MONGODB_URI');
  if (value === undefined || /^mongodb(\+srv)?:\/\/[^/?#]+/.test(value)) return value;

  // Quote the URI without its password: it may well hold one.
  return reader.reject(
    'MONGODB_URI',
    redactUri(value),
    'expected a mongodb:// or mongodb+srv:// URI',
    undefined,
  );
}
