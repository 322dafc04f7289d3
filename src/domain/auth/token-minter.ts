import { unknownService, type AuthError } from './auth-error.js';
import type { AccessPolicy, Requester } from './access-policy.js';
import type { ResourceScope } from './resource-scope.js';
import type { Clock } from '../ports/clock.port.js';
import type { RefreshTokenClaims, TokenSigner } from '../ports/token-signer.port.js';
import { failure, success, type Result } from '../shared/result.js';
import { Secret } from '../shared/secret.js';

/** The token server's own settings (TOKEN_* variables). */
export interface TokenSettings {
  /** `iss` of every token; registries are configured to trust it. */
  readonly issuer: string;
  /** The one registry service tokens are for: `aud`, and the only `service` accepted. */
  readonly service: string;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
}

/** What a successful token request returns. */
export interface IssuedToken {
  /** The username, or "" for anonymous tokens. */
  readonly subject: string;
  readonly accessToken: Secret;
  readonly issuedAt: Date;
  readonly expiresInSeconds: number;
  /** The intersection of what was asked and what the policy allows; possibly empty. */
  readonly granted: readonly ResourceScope[];
  readonly refreshToken?: Secret;
}

/** Slack for fog devices whose clocks run behind the service's. */
export const NOT_BEFORE_SKEW_SECONDS = 10;

/**
 * The part both grants share: deciding the access, signing the access token and, when asked,
 * a refresh token. Not a use case itself; the grants call it once they know the requester.
 */
export class TokenMinter {
  constructor(
    private readonly policy: AccessPolicy,
    private readonly signer: TokenSigner,
    private readonly clock: Clock,
    private readonly settings: TokenSettings,
  ) {}

  /** The service a request names, or the served one when it names none; any other fails. */
  checkService(requested: string | undefined): Result<string, AuthError> {
    if (requested === undefined || requested === '') return success(this.settings.service);
    if (requested !== this.settings.service) {
      return failure(unknownService(requested, this.settings.service));
    }
    return success(requested);
  }

  async mint(
    requester: Requester,
    requested: readonly ResourceScope[],
    refresh: RefreshRequest,
  ): Promise<IssuedToken> {
    // JWT times have whole seconds; rounding down keeps `iat` from lying about the future.
    const issuedAt = new Date(Math.floor(this.clock.now().getTime() / 1000) * 1000);
    const { accessTokenTtlSeconds: ttl, issuer, service } = this.settings;
    const subject = requester.kind === 'account' ? requester.account.username : '';
    const granted = this.policy.grant(requester, requested);

    const accessToken = await this.signer.signAccessToken({
      issuer,
      subject,
      audience: service,
      issuedAt,
      notBefore: secondsAfter(issuedAt, -NOT_BEFORE_SKEW_SECONDS),
      expiresAt: secondsAfter(issuedAt, ttl),
      access: granted,
    });
    const refreshToken = await this.refreshToken(refresh, issuedAt);

    return {
      subject,
      accessToken: new Secret(accessToken),
      issuedAt,
      expiresInSeconds: ttl,
      granted,
      ...(refreshToken === undefined ? {} : { refreshToken }),
    };
  }

  private async refreshToken(refresh: RefreshRequest, issuedAt: Date): Promise<Secret | undefined> {
    if (refresh.kind === 'none') return undefined;
    // oauth.md: a refresh grant hands back the refresh token it was given, not a new one.
    if (refresh.kind === 'reuse') return refresh.token;

    const claims: RefreshTokenClaims = {
      ...refresh.claims,
      issuedAt,
      expiresAt: secondsAfter(issuedAt, this.settings.refreshTokenTtlSeconds),
    };
    return new Secret(await this.signer.signRefreshToken(claims));
  }
}

/** Whether the answer carries a refresh token, and which. */
export type RefreshRequest =
  | { readonly kind: 'none' }
  | { readonly kind: 'reuse'; readonly token: Secret }
  | {
      readonly kind: 'issue';
      readonly claims: Omit<RefreshTokenClaims, 'issuedAt' | 'expiresAt'>;
    };

function secondsAfter(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
