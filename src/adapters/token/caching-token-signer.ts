import type {
  AccessTokenClaims,
  RefreshTokenClaims,
  TokenSigner,
} from '../../domain/ports/token-signer.port.js';

/**
 * Hands out the same access token for the same claims within one second, instead of signing
 * again. Clients of one push ask for the same scope many times at once (containerd fetches
 * layers in parallel), and each ask verified its credentials already; an identical token
 * (same subject, access, `iat` and `exp` to the second) grants exactly what a new one would.
 * Signing is most of a warm token request's cost, so this is what keeps bursts cheap.
 */
export class CachingTokenSigner implements TokenSigner {
  private second = 0;
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(
    private readonly inner: TokenSigner,
    /** A bound on one second's entries. */
    private readonly maxEntries: number,
  ) {}

  signAccessToken(claims: AccessTokenClaims): Promise<string> {
    // Claims carry whole seconds: a later second can never reuse an earlier second's tokens.
    const second = Math.floor(claims.issuedAt.getTime() / 1000);
    if (second !== this.second) {
      this.tokens.clear();
      this.second = second;
    }

    const key = cacheKey(claims);
    const known = this.tokens.get(key);
    if (known !== undefined) return known;

    const signed = this.inner.signAccessToken(claims);
    if (this.tokens.size < this.maxEntries) this.tokens.set(key, signed);
    // A failed signature must not be handed out again.
    signed.catch(() => this.tokens.get(key) === signed && this.tokens.delete(key));
    return signed;
  }

  signRefreshToken(claims: RefreshTokenClaims): Promise<string> {
    return this.inner.signRefreshToken(claims);
  }

  verifyRefreshToken(token: string, now: Date): Promise<RefreshTokenClaims | undefined> {
    return this.inner.verifyRefreshToken(token, now);
  }
}

// Every claim but the times' milliseconds, which the token drops anyway.
function cacheKey(claims: AccessTokenClaims): string {
  const times = [claims.issuedAt, claims.notBefore, claims.expiresAt].map((date) =>
    Math.floor(date.getTime() / 1000),
  );
  return JSON.stringify([claims.issuer, claims.subject, claims.audience, times, claims.access]);
}
