import { hkdfSync, randomBytes, sign } from 'node:crypto';

import { EncryptJWT, jwtDecrypt, type JWK } from 'jose';

import type { ResourceScope } from '../../domain/auth/resource-scope.js';
import type {
  AccessTokenClaims,
  RefreshTokenClaims,
  TokenSigner,
} from '../../domain/ports/token-signer.port.js';
import { Secret } from '../../domain/shared/secret.js';
import { keyId, type KeyIdFormat } from './key-id.js';
import type { SigningKey } from './signing-key.js';

/** Marks refresh tokens, which only this service reads; registries never see them. */
const REFRESH_TYPE = 'rt+jwt';
// Refresh tokens are JWEs encrypted directly with a key derived from the signing key, so every
// replica sharing the signing key reads them, and a new signing key retires them.
const REFRESH_ENCRYPTION = { alg: 'dir', enc: 'A256GCM' } as const;
const REFRESH_KEY_INFO = 'images-service refresh token encryption v1';

export interface JoseTokenSignerOptions {
  readonly kidFormat: KeyIdFormat;
  /** `iss` of refresh tokens, and their `aud`: no registry accepts a token meant for us. */
  readonly issuer: string;
}

/**
 * Signs registry tokens as jwt.md describes them: ES256 (RS256 for an RSA key), with the
 * certificate chain in `x5c`, which registry 2.8 and 3.x both check first, and a `kid` in the
 * format the registry looks keys up by. jose encrypts and reads the refresh tokens: they may
 * carry a sealed password (RefreshTokenClaims.password), and nobody but this service reads them.
 *
 * Access tokens, one per docker request, are put together here instead: their header never
 * changes, and Node's one-shot `sign` takes about a quarter of the time of jose's WebCrypto
 * path (62 against 270 µs a token, measured), which decides the token endpoint's throughput.
 * jose and both registries verify them in the tests.
 */
export class JoseTokenSigner implements TokenSigner {
  /** The `kid` of access tokens and of the JWKS entry. */
  readonly keyId: string;
  private readonly issuer: string;
  private readonly accessHeader: string;
  private readonly refreshKey: Uint8Array;

  constructor(
    private readonly key: SigningKey,
    options: JoseTokenSignerOptions,
  ) {
    this.keyId = keyId(key.publicKey, options.kidFormat);
    this.issuer = options.issuer;
    const header = { alg: key.algorithm, typ: 'JWT', kid: this.keyId, x5c: key.certificateChain };
    this.accessHeader = base64url(JSON.stringify(header));
    const keyMaterial = key.privateKey.export({ format: 'der', type: 'pkcs8' });
    this.refreshKey = new Uint8Array(hkdfSync('sha256', keyMaterial, '', REFRESH_KEY_INFO, 32));
  }

  async signAccessToken(claims: AccessTokenClaims): Promise<string> {
    const payload = {
      iss: claims.issuer,
      sub: claims.subject,
      // One string, not an array: the form every registry version reads.
      aud: claims.audience,
      exp: seconds(claims.expiresAt),
      nbf: seconds(claims.notBefore),
      iat: seconds(claims.issuedAt),
      jti: tokenId(),
      access: claims.access.map(accessEntry),
    };

    const input = `${this.accessHeader}.${base64url(JSON.stringify(payload))}`;
    // JWS wants ECDSA signatures as R and S side by side, not DER (RFC 7518, section 3.4).
    const signature = sign('sha256', Buffer.from(input), {
      key: this.key.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  }

  async signRefreshToken(claims: RefreshTokenClaims): Promise<string> {
    const payload = {
      svc: claims.service,
      adm: claims.admin,
      ...(claims.revision === undefined ? {} : { rev: claims.revision }),
      ...(claims.password === undefined ? {} : { pwd: claims.password.reveal() }),
    };

    // An encrypted token, not a signed one: a registry handed it finds nothing to verify.
    return new EncryptJWT(payload)
      .setProtectedHeader({ ...REFRESH_ENCRYPTION, typ: REFRESH_TYPE })
      .setIssuer(this.issuer)
      .setAudience(this.issuer)
      .setSubject(claims.subject)
      .setIssuedAt(seconds(claims.issuedAt))
      .setExpirationTime(seconds(claims.expiresAt))
      .setJti(tokenId())
      .encrypt(this.refreshKey);
  }

  async verifyRefreshToken(token: string, now: Date): Promise<RefreshTokenClaims | undefined> {
    let payload;
    try {
      ({ payload } = await jwtDecrypt(token, this.refreshKey, {
        keyManagementAlgorithms: [REFRESH_ENCRYPTION.alg],
        contentEncryptionAlgorithms: [REFRESH_ENCRYPTION.enc],
        typ: REFRESH_TYPE,
        issuer: this.issuer,
        audience: this.issuer,
        currentDate: now,
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch {
      return undefined;
    }

    const { sub, svc, adm, rev, pwd, iat, exp } = payload;
    if (typeof sub !== 'string' || typeof svc !== 'string' || typeof adm !== 'boolean')
      return undefined;
    if (rev !== undefined && typeof rev !== 'string') return undefined;
    if (pwd !== undefined && typeof pwd !== 'string') return undefined;
    return {
      subject: sub,
      service: svc,
      admin: adm,
      ...(rev === undefined ? {} : { revision: rev }),
      ...(pwd === undefined ? {} : { password: new Secret(pwd) }),
      issuedAt: new Date((iat as number) * 1000),
      expiresAt: new Date((exp as number) * 1000),
    };
  }

  /** The JWK Set registry 3's `jwks` option reads: the public key under the tokens' `kid`. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const jwk = this.key.publicKey.export({ format: 'jwk' });
    return {
      keys: [
        {
          ...jwk,
          kid: this.keyId,
          use: 'sig',
          alg: this.key.algorithm,
          x5c: [...this.key.certificateChain],
        },
      ],
    };
  }
}

// jwt.md's access entry; `class` only when the scope named one.
function accessEntry(scope: ResourceScope) {
  return {
    type: scope.type,
    ...(scope.resourceClass === undefined ? {} : { class: scope.resourceClass }),
    name: scope.name,
    actions: [...scope.actions],
  };
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

function tokenId(): string {
  return randomBytes(16).toString('base64url');
}
