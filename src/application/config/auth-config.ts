import { KEY_ID_FORMATS, type KeyIdFormat } from '../../adapters/token/key-id.js';
import type { AnonymousPull } from '../../domain/auth/access-policy.js';
import type { EnvReader, ListenAddress } from './env-reader.js';

/** Where passwords are checked: FogCore's Users Service, an htpasswd file, or nowhere. */
export type CredentialSource =
  | { readonly kind: 'users-service'; readonly address: string; readonly timeoutMs: number }
  | { readonly kind: 'htpasswd'; readonly path: string }
  | { readonly kind: 'none' };

/** The token server's settings (issue 3), validated with the rest of the configuration. */
export interface AuthConfig {
  readonly issuer: string;
  readonly service: string;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  /** TOKEN_KEY_FILE and TOKEN_CERT_FILE; undefined generates a key under DATA_DIR. */
  readonly keyFiles: { readonly keyPath: string; readonly certificatePath: string } | undefined;
  readonly kidFormat: KeyIdFormat;
  /** The token endpoint as registries reach it, printed by `registry-config`. */
  readonly realm: URL;
  readonly credentials: CredentialSource;
  readonly adminUsers: readonly string[];
  readonly pullAllAccounts: readonly string[];
  readonly anonymousPull: AnonymousPull;
  readonly credentialCacheTtlSeconds: number;
  readonly loginThrottle: {
    readonly maxFailuresPerAccount: number;
    readonly maxFailuresPerAddress: number;
    readonly windowSeconds: number;
  };
}

const DAY = 86_400;
const NAMESPACE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

export function loadAuthConfig(reader: EnvReader, httpAddress: ListenAddress): AuthConfig {
  return {
    issuer: reader.string('TOKEN_ISSUER', 'auth.docker.com'),
    service: reader.string('TOKEN_SERVICE', 'registry.docker.com'),
    // token.md: clients assume 60 s when told less, so a shorter token would fail them.
    accessTokenTtlSeconds: reader.integer('TOKEN_TTL_SECONDS', 300, { min: 60, max: DAY }),
    refreshTokenTtlSeconds: reader.integer('REFRESH_TOKEN_TTL_SECONDS', 7 * DAY, {
      min: 60,
      max: 365 * DAY,
    }),
    keyFiles: keyFiles(reader),
    kidFormat: reader.oneOf('TOKEN_KID_FORMAT', KEY_ID_FORMATS, 'jwk-thumbprint'),
    realm: reader.url('TOKEN_REALM', defaultRealm(httpAddress, servesTls(reader)), [
      'http:',
      'https:',
    ]),
    credentials: credentialSource(reader),
    adminUsers: list(reader, 'ADMIN_USERS'),
    pullAllAccounts: list(reader, 'PULL_ALL_ACCOUNTS'),
    anonymousPull: anonymousPull(reader),
    credentialCacheTtlSeconds: reader.integer('CREDENTIAL_CACHE_TTL_SECONDS', 60, {
      min: 0,
      max: 3600,
    }),
    loginThrottle: {
      maxFailuresPerAccount: reader.integer('LOGIN_MAX_FAILURES_PER_ACCOUNT', 10, {
        min: 1,
        max: 10_000,
      }),
      maxFailuresPerAddress: reader.integer('LOGIN_MAX_FAILURES_PER_ADDRESS', 30, {
        min: 1,
        max: 10_000,
      }),
      windowSeconds: reader.integer('LOGIN_FAILURE_WINDOW_SECONDS', 300, { min: 1, max: DAY }),
    },
  };
}

function keyFiles(reader: EnvReader): AuthConfig['keyFiles'] {
  const keyPath = reader.optionalString('TOKEN_KEY_FILE');
  const certificatePath = reader.optionalString('TOKEN_CERT_FILE');
  if (keyPath !== undefined && certificatePath !== undefined) return { keyPath, certificatePath };

  // A key without its certificate (or the reverse) cannot sign tokens registries accept.
  if (keyPath !== undefined) {
    return reader.reject('TOKEN_KEY_FILE', keyPath, 'requires TOKEN_CERT_FILE too', undefined);
  }
  if (certificatePath !== undefined) {
    return reader.reject(
      'TOKEN_CERT_FILE',
      certificatePath,
      'requires TOKEN_KEY_FILE too',
      undefined,
    );
  }
  return undefined;
}

function credentialSource(reader: EnvReader): CredentialSource {
  const address = reader.optionalString('USERS_SERVICE_ADDR');
  const path = reader.optionalString('USERS_FILE');
  const timeoutMs = reader.integer('USERS_SERVICE_TIMEOUT_MS', 3000, { min: 100, max: 60_000 });

  if (address !== undefined && path !== undefined) {
    return reader.reject('USERS_FILE', path, 'cannot be used together with USERS_SERVICE_ADDR', {
      kind: 'none',
    });
  }
  if (address !== undefined) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(address)) {
      return reader.reject('USERS_SERVICE_ADDR', address, 'expected host:port', { kind: 'none' });
    }
    return { kind: 'users-service', address, timeoutMs };
  }
  return path === undefined ? { kind: 'none' } : { kind: 'htpasswd', path };
}

function anonymousPull(reader: EnvReader): AnonymousPull {
  const value = reader.optionalString('ANONYMOUS_PULL');
  if (value === undefined || value === 'none') return { kind: 'none' };
  if (value === 'all') return { kind: 'all' };

  const namespaces = value.split(',').map((entry) => entry.trim());
  const bad = namespaces.find((namespace) => !NAMESPACE.test(namespace));
  if (bad !== undefined) {
    return reader.reject(
      'ANONYMOUS_PULL',
      value,
      `expected none, all or comma-separated namespaces; "${bad}" is not a namespace`,
      { kind: 'none' },
    );
  }
  return { kind: 'namespaces', namespaces };
}

function list(reader: EnvReader, name: string): string[] {
  const value = reader.optionalString(name) ?? '';
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

// With TLS_CERT_FILE set the HTTP listener speaks https only (see operations-config.ts).
function servesTls(reader: EnvReader): boolean {
  return reader.optionalString('TLS_CERT_FILE') !== undefined;
}

// Registries on the same machine reach a wildcard listener through loopback.
function defaultRealm(address: ListenAddress, tls: boolean): string {
  const wildcard = address.host === '0.0.0.0' || address.host === '::' || address.host === '';
  const host = wildcard
    ? '127.0.0.1'
    : address.host.includes(':')
      ? `[${address.host}]`
      : address.host;
  return `${tls ? 'https' : 'http'}://${host}:${address.port}/auth`;
}
