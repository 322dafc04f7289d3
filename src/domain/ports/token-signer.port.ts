import type { ResourceScope } from '../auth/resource-scope.js';
import type { Secret } from '../shared/secret.js';

/** The claims of a registry access token (jwt.md); the signer adds `jti`. */
export interface AccessTokenClaims {
  readonly issuer: string;
  /** The account's username; empty for anonymous tokens. */
  readonly subject: string;
  /** The registry's service name. */
  readonly audience: string;
  readonly issuedAt: Date;
  /** Set a little before `issuedAt`, so that devices with a slow clock accept the token. */
  readonly notBefore: Date;
  readonly expiresAt: Date;
  readonly access: readonly ResourceScope[];
}

/** What a refresh token binds: one subject, one service (scope.md), until it expires. */
export interface RefreshTokenClaims {
  readonly subject: string;
  readonly service: string;
  /** The account's admin flag when the token was issued, for stores that cannot be asked again. */
  readonly admin: boolean;
  /** The credential revision the account had; see VerifiedAccount.revision. */
  readonly revision?: string;
  /**
   * The password, for directories that can re-check an account only with it; see
   * CredentialVerifier.checksStatusWithoutPassword. Refresh tokens are encrypted, so it stays
   * sealed from the client that holds the token and from anyone who intercepts it.
   */
  readonly password?: Secret;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

/**
 * Signs the tokens the token server hands out. Access tokens are JWTs that registries verify
 * with the signer's certificate; refresh tokens are encrypted and authenticated, opaque to
 * clients, and only this service reads them back. Signing rejects only on programming or key
 * errors.
 */
export interface TokenSigner {
  signAccessToken(claims: AccessTokenClaims): Promise<string>;

  signRefreshToken(claims: RefreshTokenClaims): Promise<string>;

  /**
   * The claims of a refresh token this service signed, or undefined when the value is not one,
   * was altered, or has expired at `now`. Never throws for a bad token.
   */
  verifyRefreshToken(token: string, now: Date): Promise<RefreshTokenClaims | undefined>;
}
