import type { KeyObject } from 'node:crypto';

import { SignJWT } from 'jose';

import type { SigningKey } from '../../src/adapters/token/signing-key.js';

export interface TokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly exp: number;
  readonly nbf: number;
  readonly iat: number;
  readonly jti: string;
  readonly access: readonly { type: string; name: string; actions: readonly string[] }[];
}

/** Claims a registry would accept, for `pull` on one repository, valid from a minute ago. */
export function validClaims(issuer: string, audience: string, repository: string): TokenClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer,
    sub: 'alice',
    aud: audience,
    exp: now + 300,
    nbf: now - 60,
    iat: now - 60,
    jti: `forged-${now}`,
    access: [{ type: 'repository', name: repository, actions: ['pull'] }],
  };
}

/** Signs `claims` with `privateKey`, naming `key`'s certificate chain in `x5c`. */
export function signWith(
  claims: TokenClaims,
  privateKey: KeyObject,
  chain: SigningKey,
  alg = chain.algorithm,
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg, typ: 'JWT', x5c: [...chain.certificateChain] })
    .sign(privateKey);
}

/** An unsecured JWT (`alg: none`), carrying the trusted chain as if it were signed. */
export function unsignedToken(claims: TokenClaims, chain: SigningKey): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT', x5c: chain.certificateChain })}.${part(claims)}.`;
}

/**
 * The algorithm-confusion attack: HS256 with the trusted public key (its PEM, as attackers find
 * it in the certificate) used as the HMAC secret.
 */
export function hmacWithPublicKey(claims: TokenClaims, chain: SigningKey): Promise<string> {
  const pem = chain.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', x5c: [...chain.certificateChain] })
    .sign(new TextEncoder().encode(pem));
}
