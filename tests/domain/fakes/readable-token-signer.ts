import type {
  AccessTokenClaims,
  RefreshTokenClaims,
  TokenSigner,
} from '../../../src/domain/ports/token-signer.port.js';
import { Secret } from '../../../src/domain/shared/secret.js';

/**
 * A TokenSigner whose tokens are their claims in JSON behind a prefix, so that tests can read
 * them back; the real one signs JWTs with jose.
 */
export class ReadableTokenSigner implements TokenSigner {
  async signAccessToken(claims: AccessTokenClaims): Promise<string> {
    return `access:${JSON.stringify(claims)}`;
  }

  async signRefreshToken(claims: RefreshTokenClaims): Promise<string> {
    // A Secret prints as ***: keep the sealed password readable for the tests.
    const password = claims.password?.reveal();
    return `refresh:${JSON.stringify({ ...claims, password })}`;
  }

  async verifyRefreshToken(token: string, now: Date): Promise<RefreshTokenClaims | undefined> {
    if (!token.startsWith('refresh:')) return undefined;
    const read = revive(JSON.parse(token.slice('refresh:'.length)) as Record<string, unknown>);
    const { password, ...rest } = read;
    const claims = {
      ...(rest as unknown as RefreshTokenClaims),
      ...(typeof password === 'string' ? { password: new Secret(password) } : {}),
    };
    return claims.expiresAt > now ? claims : undefined;
  }

  readAccessToken(token: string): AccessTokenClaims {
    if (!token.startsWith('access:')) throw new Error(`not an access token: ${token}`);
    return revive(JSON.parse(token.slice('access:'.length)) as AccessTokenClaims);
  }
}

function revive<T extends object>(claims: T): T {
  const dated = Object.entries(claims).map(([key, value]) => [
    key,
    /At$|^notBefore$/.test(key) ? new Date(value as string) : value,
  ]);
  return Object.fromEntries(dated) as T;
}
