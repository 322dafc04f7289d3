import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import bcrypt from 'bcryptjs';
import { pino } from 'pino';
import { Registry } from 'prom-client';

import { CachingCredentialVerifier } from '../../../src/adapters/credentials/caching-credential-verifier.js';
import { HtpasswdCredentialVerifier } from '../../../src/adapters/credentials/htpasswd-credential-verifier.js';
import { InMemoryLoginThrottle } from '../../../src/adapters/credentials/in-memory-login-throttle.js';
import { buildHttpApp, startHttpServer } from '../../../src/adapters/http/http-server.js';
import { TokenMetrics } from '../../../src/adapters/http/token-metrics.js';
import { tokenRoutes } from '../../../src/adapters/http/token-routes.js';
import { loadOrGenerateSigningKey } from '../../../src/adapters/token/generated-signing-key.js';
import { JoseTokenSigner } from '../../../src/adapters/token/jose-token-signer.js';
import type { SigningKey } from '../../../src/adapters/token/signing-key.js';
import { AccessPolicy } from '../../../src/domain/auth/access-policy.js';
import { TokenMinter } from '../../../src/domain/auth/token-minter.js';
import type { Clock } from '../../../src/domain/ports/clock.port.js';
import type { CredentialVerifier } from '../../../src/domain/ports/credential-verifier.port.js';
import { IssueRegistryToken } from '../../../src/domain/use-cases/issue-registry-token/issue-registry-token.use-case.js';
import { RefreshRegistryToken } from '../../../src/domain/use-cases/refresh-registry-token/refresh-registry-token.use-case.js';
import { REDACTED_PATHS } from '../../../src/application/logger.js';
import { LogCapture } from '../../support/log-capture.js';

export const REALM = 'http://127.0.0.1:5002/auth';
export const USERS = { alice: 'alice-secret', bob: 'bob-secret', root: 'root-secret' } as const;

export interface TokenEndpoint {
  readonly url: string;
  readonly key: SigningKey;
  readonly signer: JoseTokenSigner;
  readonly logs: LogCapture;
  readonly usersFile: string;
  close(): Promise<void>;
}

export interface TokenEndpointOptions {
  /** Replaces the htpasswd directory, e.g. with one that cannot be reached. */
  readonly verifier?: (htpasswd: CredentialVerifier) => CredentialVerifier;
  readonly maxFailuresPerAccount?: number;
}

const clock: Clock = { now: () => new Date() };

/**
 * The token routes on a real HTTP server on a free port, over the real adapters: a generated
 * key, an htpasswd file of alice, bob and the admin root (bcrypt cost 4, for speed).
 */
export async function startTokenEndpoint(
  options: TokenEndpointOptions = {},
): Promise<TokenEndpoint> {
  const directory = await mkdtemp(join(tmpdir(), 'token-endpoint-'));
  const logs = new LogCapture();
  const logger = pino(
    { level: 'debug', redact: { paths: REDACTED_PATHS, censor: '***' } },
    logs.stream,
  );

  const usersFile = join(directory, 'users.htpasswd');
  const lines = await Promise.all(
    Object.entries(USERS).map(
      async ([name, password]) => `${name}:${await bcrypt.hash(password, 4)}`,
    ),
  );
  await writeFile(usersFile, `${lines.join('\n')}\n`);
  const htpasswd = await HtpasswdCredentialVerifier.open(
    { path: usersFile, recheckIntervalMs: 0 },
    logger,
  );
  const store = options.verifier?.(htpasswd) ?? htpasswd;
  const verifier = new CachingCredentialVerifier(store, clock, { ttlSeconds: 60, maxEntries: 100 });
  const throttle = new InMemoryLoginThrottle(clock, {
    maxFailuresPerAccount: options.maxFailuresPerAccount ?? 100,
    maxFailuresPerAddress: 1000,
    windowSeconds: 300,
    trustSeconds: 3600,
    maxTrackedKeys: 1000,
  });

  const { key } = await loadOrGenerateSigningKey(directory);
  const signer = new JoseTokenSigner(key, {
    kidFormat: 'jwk-thumbprint',
    issuer: 'auth.docker.com',
  });
  const policy = new AccessPolicy({
    adminUsers: ['root'],
    pullAllAccounts: [],
    anonymousPull: { kind: 'none' },
  });
  const minter = new TokenMinter(policy, signer, clock, {
    issuer: 'auth.docker.com',
    service: 'registry.docker.com',
    accessTokenTtlSeconds: 300,
    refreshTokenTtlSeconds: 3600,
  });

  const app = buildHttpApp(logger);
  await app.register(tokenRoutes, {
    issueToken: new IssueRegistryToken(minter, verifier, throttle),
    refreshToken: new RefreshRegistryToken(minter, signer, verifier, clock),
    jwks: () => signer.jwks(),
    basicRealm: REALM,
    metrics: new TokenMetrics(new Registry()),
  });
  const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });

  return {
    url: `http://127.0.0.1:${server.port}`,
    key,
    signer,
    logs,
    usersFile,
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
