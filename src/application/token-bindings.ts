import type { Container } from 'inversify';
import type { Registry } from 'prom-client';

import { CachingCredentialVerifier } from '../adapters/credentials/caching-credential-verifier.js';
import { CredentialCacheMetrics } from '../adapters/credentials/credential-cache-metrics.js';
import { InMemoryLoginThrottle } from '../adapters/credentials/in-memory-login-throttle.js';
import type { RegistryAuthorizer } from '../adapters/registry/registry-authorizer.js';
import { SignedTokenRegistryAuthorizer } from '../adapters/registry/signed-token-registry-authorizer.js';
import { CachingTokenSigner } from '../adapters/token/caching-token-signer.js';
import { JoseTokenSigner } from '../adapters/token/jose-token-signer.js';
import { AccessPolicy } from '../domain/auth/access-policy.js';
import { TokenMinter } from '../domain/auth/token-minter.js';
import type { Clock } from '../domain/ports/clock.port.js';
import type { CredentialVerifier } from '../domain/ports/credential-verifier.port.js';
import type { LoginThrottle } from '../domain/ports/login-throttle.port.js';
import type { TokenSigner } from '../domain/ports/token-signer.port.js';
import { IssueRegistryToken } from '../domain/use-cases/issue-registry-token/issue-registry-token.use-case.js';
import { RefreshRegistryToken } from '../domain/use-cases/refresh-registry-token/refresh-registry-token.use-case.js';
import type { ServiceConfig } from './config/service-config.js';
import type { TokenServerResources } from './token-server.js';
import { TOKENS } from './tokens.js';

/** The subject of the tokens the service signs for its own registry calls. */
const SERVICE_SUBJECT = 'images-service';
/** Bounds on in-memory state: far above what one registry's clients need. */
const MAX_CACHED_CREDENTIALS = 10_000;
const MAX_THROTTLED_KEYS = 100_000;
const MAX_SERVICE_TOKENS = 1_000;
const MAX_TOKENS_PER_SECOND = 10_000;
/** A client that logged in keeps getting in for a day while its account is under attack. */
const TRUST_SECONDS = 86_400;

/** Binds the token server: signer, user directory, throttle, both grants, and the registry authorizer. */
export function bindTokenServer(container: Container, resources: TokenServerResources): void {
  container.bind(TOKENS.SigningKey).toConstantValue(resources.signingKey);

  container.bind(TOKENS.JoseTokenSigner).toResolvedValue(
    (config: ServiceConfig) =>
      new JoseTokenSigner(resources.signingKey, {
        kidFormat: config.auth.kidFormat,
        issuer: config.auth.issuer,
      }),
    [TOKENS.Config],
  );
  container
    .bind<TokenSigner>(TOKENS.TokenSigner)
    .toResolvedValue(
      (signer: JoseTokenSigner) => new CachingTokenSigner(signer, MAX_TOKENS_PER_SECOND),
      [TOKENS.JoseTokenSigner],
    );
  container.bind<CredentialVerifier>(TOKENS.CredentialVerifier).toResolvedValue(
    (config: ServiceConfig, clock: Clock, metrics: Registry) =>
      new CachingCredentialVerifier(resources.credentialStore, clock, {
        ttlSeconds: config.auth.credentialCacheTtlSeconds,
        maxEntries: MAX_CACHED_CREDENTIALS,
        metrics: new CredentialCacheMetrics(metrics),
      }),
    [TOKENS.Config, TOKENS.Clock, TOKENS.MetricsRegistry],
  );
  container.bind<LoginThrottle>(TOKENS.LoginThrottle).toResolvedValue(
    (config: ServiceConfig, clock: Clock) =>
      new InMemoryLoginThrottle(clock, {
        ...config.auth.loginThrottle,
        trustSeconds: TRUST_SECONDS,
        maxTrackedKeys: MAX_THROTTLED_KEYS,
      }),
    [TOKENS.Config, TOKENS.Clock],
  );
  container.bind(TOKENS.TokenMinter).toResolvedValue(
    (config: ServiceConfig, signer: TokenSigner, clock: Clock) => {
      const { auth } = config;
      const policy = new AccessPolicy(auth);
      return new TokenMinter(policy, signer, clock, {
        issuer: auth.issuer,
        service: auth.service,
        accessTokenTtlSeconds: auth.accessTokenTtlSeconds,
        refreshTokenTtlSeconds: auth.refreshTokenTtlSeconds,
      });
    },
    [TOKENS.Config, TOKENS.TokenSigner, TOKENS.Clock],
  );

  container
    .bind(TOKENS.IssueRegistryToken)
    .toResolvedValue(
      (minter: TokenMinter, verifier: CredentialVerifier, throttle: LoginThrottle) =>
        new IssueRegistryToken(minter, verifier, throttle),
      [TOKENS.TokenMinter, TOKENS.CredentialVerifier, TOKENS.LoginThrottle],
    );
  container
    .bind(TOKENS.RefreshRegistryToken)
    .toResolvedValue(
      (minter: TokenMinter, signer: TokenSigner, verifier: CredentialVerifier, clock: Clock) =>
        new RefreshRegistryToken(minter, signer, verifier, clock),
      [TOKENS.TokenMinter, TOKENS.TokenSigner, TOKENS.CredentialVerifier, TOKENS.Clock],
    );

  container.bind<RegistryAuthorizer>(TOKENS.RegistryAuthorizer).toResolvedValue(
    (config: ServiceConfig, signer: TokenSigner, clock: Clock) =>
      new SignedTokenRegistryAuthorizer(signer, clock, {
        issuer: config.auth.issuer,
        service: config.auth.service,
        ttlSeconds: config.auth.accessTokenTtlSeconds,
        subject: SERVICE_SUBJECT,
        maxEntries: MAX_SERVICE_TOKENS,
      }),
    [TOKENS.Config, TOKENS.TokenSigner, TOKENS.Clock],
  );
}
