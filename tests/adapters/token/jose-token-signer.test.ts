import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadOrGenerateSigningKey } from '../../../src/adapters/token/generated-signing-key.js';
import { JoseTokenSigner } from '../../../src/adapters/token/jose-token-signer.js';
import { jwkThumbprintKeyId, libtrustKeyId } from '../../../src/adapters/token/key-id.js';
import { loadSigningKey, type SigningKey } from '../../../src/adapters/token/signing-key.js';
import type { AccessTokenClaims } from '../../../src/domain/ports/token-signer.port.js';
import { Secret } from '../../../src/domain/shared/secret.js';
import { opensslKeyFiles } from '../../support/token-keys.js';

let directory: string;
let key: SigningKey;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'jose-signer-'));
  ({ key } = await loadOrGenerateSigningKey(directory));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const ISSUED = new Date('2026-03-04T05:06:07Z');
const CLAIMS: AccessTokenClaims = {
  issuer: 'auth.docker.com',
  subject: 'alice',
  audience: 'registry.docker.com',
  issuedAt: ISSUED,
  notBefore: new Date('2026-03-04T05:05:57Z'),
  expiresAt: new Date('2026-03-04T05:11:07Z'),
  access: [
    { type: 'repository', name: 'alice/app', actions: ['pull', 'push'] },
    { type: 'repository', resourceClass: 'plugin', name: 'alice/p', actions: ['pull'] },
  ],
};

async function certificateKey(signingKey: SigningKey) {
  return new X509Certificate(await readFile(signingKey.certificatePath)).publicKey;
}

describe('JoseTokenSigner access tokens', () => {
  it('carry every claim of jwt.md, verifiable with the certificate key', async () => {
    const signer = new JoseTokenSigner(key, { kidFormat: 'libtrust', issuer: 'auth.docker.com' });

    const token = await signer.signAccessToken(CLAIMS);

    const { payload } = await jwtVerify(token, await certificateKey(key), { currentDate: ISSUED });
    expect(payload).toEqual({
      iss: 'auth.docker.com',
      sub: 'alice',
      aud: 'registry.docker.com',
      iat: 1772600767,
      nbf: 1772600757,
      exp: 1772601067,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      access: [
        { type: 'repository', name: 'alice/app', actions: ['pull', 'push'] },
        { type: 'repository', class: 'plugin', name: 'alice/p', actions: ['pull'] },
      ],
    });
  });

  it('carry the certificate chain and a libtrust kid computed independently', async () => {
    const signer = new JoseTokenSigner(key, { kidFormat: 'libtrust', issuer: 'auth.docker.com' });

    const header = decodeProtectedHeader(await signer.signAccessToken(CLAIMS));

    const certificate = new X509Certificate(await readFile(key.certificatePath));
    expect(header).toEqual({
      alg: 'ES256',
      typ: 'JWT',
      kid: libtrustKeyId(certificate.publicKey),
      x5c: [certificate.raw.toString('base64')],
    });
  });

  it('name the key by its JWK thumbprint when told to', async () => {
    const signer = new JoseTokenSigner(key, {
      kidFormat: 'jwk-thumbprint',
      issuer: 'auth.docker.com',
    });

    const header = decodeProtectedHeader(await signer.signAccessToken(CLAIMS));

    expect(header.kid).toBe(jwkThumbprintKeyId(await certificateKey(key)));
    expect(header.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('have an empty subject when anonymous', async () => {
    const signer = new JoseTokenSigner(key, { kidFormat: 'libtrust', issuer: 'auth.docker.com' });

    const token = await signer.signAccessToken({ ...CLAIMS, subject: '', access: [] });

    const { payload } = await jwtVerify(token, key.publicKey, { currentDate: ISSUED });
    expect(payload.sub).toBe('');
    expect(payload['access']).toEqual([]);
  });

  it('get a different jti each', async () => {
    const signer = new JoseTokenSigner(key, { kidFormat: 'libtrust', issuer: 'auth.docker.com' });

    const ids = await Promise.all(
      [1, 2, 3].map(
        async () =>
          (
            await jwtVerify(await signer.signAccessToken(CLAIMS), key.publicKey, {
              currentDate: ISSUED,
            })
          ).payload.jti,
      ),
    );

    expect(new Set(ids).size).toBe(3);
  });

  it('are signed RS256 with an RSA key', async () => {
    const files = await opensslKeyFiles(directory, 'rsa');
    const rsaKey = await loadSigningKey({ ...files, keyLabel: 'key', certificateLabel: 'cert' });
    const signer = new JoseTokenSigner(rsaKey, {
      kidFormat: 'libtrust',
      issuer: 'auth.docker.com',
    });

    const token = await signer.signAccessToken(CLAIMS);

    expect(decodeProtectedHeader(token).alg).toBe('RS256');
    await expect(
      jwtVerify(token, await certificateKey(rsaKey), { currentDate: ISSUED }),
    ).resolves.toBeDefined();
  });
});

describe('JoseTokenSigner refresh tokens', () => {
  const refreshClaims = {
    subject: 'alice',
    service: 'registry.docker.com',
    admin: true,
    revision: 'abc',
    issuedAt: ISSUED,
    expiresAt: new Date('2026-03-05T05:06:07Z'),
  };

  it('read back as the claims they were signed with', async () => {
    const signer = new JoseTokenSigner(key, { kidFormat: 'libtrust', issuer: 'auth.docker.com' });

    const token = await signer.signRefreshToken(refreshClaims);

    expect(await signer.verifyRefreshToken(token, ISSUED)).toEqual(refreshClaims);
  });

  it('are encrypted and name no key, so that registries refuse them and nobody reads them', async () => {
    const signer = new JoseTokenSigner(key, { kidFormat: 'libtrust', issuer: 'auth.docker.com' });

    const token = await signer.signRefreshToken(refreshClaims);

    expect(decodeProtectedHeader(token)).toEqual({ alg: 'dir', enc: 'A256GCM', typ: 'rt+jwt' });
    expect(token.split('.')).toHaveLength(5);
    const readable = token
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
      .join(' ');
    expect(readable).not.toContain('alice');
  });

  it('seal a password that only the service reads back', async () => {
    const signer = new JoseTokenSigner(key, { kidFormat: 'libtrust', issuer: 'auth.docker.com' });
    const password = 'correct horse battery staple';

    const token = await signer.signRefreshToken({
      ...refreshClaims,
      password: new Secret(password),
    });
    const claims = await signer.verifyRefreshToken(token, ISSUED);

    expect(claims?.password?.reveal()).toBe(password);
    expect(token).not.toContain(Buffer.from(password).toString('base64url'));
    expect(token).not.toContain(password);
  });

  it('are refused when their ciphertext is altered', async () => {
    const signer = new JoseTokenSigner(key, { kidFormat: 'libtrust', issuer: 'auth.docker.com' });
    const parts = (await signer.signRefreshToken(refreshClaims)).split('.');
    const ciphertext = Buffer.from(parts[3] as string, 'base64url');
    ciphertext[0] = (ciphertext[0] as number) ^ 1;
    parts[3] = ciphertext.toString('base64url');

    expect(await signer.verifyRefreshToken(parts.join('.'), ISSUED)).toBeUndefined();
  });

  it('stop being read once expired', async () => {
    const signer = new JoseTokenSigner(key, { kidFormat: 'libtrust', issuer: 'auth.docker.com' });
    const token = await signer.signRefreshToken(refreshClaims);

    expect(
      await signer.verifyRefreshToken(token, new Date('2026-03-05T05:06:08Z')),
    ).toBeUndefined();
  });

  it('are not taken for access tokens, nor access tokens for them', async () => {
    const signer = new JoseTokenSigner(key, { kidFormat: 'libtrust', issuer: 'auth.docker.com' });

    const access = await signer.signAccessToken(CLAIMS);

    expect(await signer.verifyRefreshToken(access, ISSUED)).toBeUndefined();
  });

  it('are refused when altered, signed by another key, or not JWTs', async () => {
    const signer = new JoseTokenSigner(key, { kidFormat: 'libtrust', issuer: 'auth.docker.com' });
    const token = await signer.signRefreshToken(refreshClaims);
    const [header, , signature] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ sub: 'root', svc: 'registry.docker.com', adm: true }),
    ).toString('base64url');
    const other = await loadOrGenerateSigningKey(join(directory, 'other'));
    const otherSigner = new JoseTokenSigner(other.key, {
      kidFormat: 'libtrust',
      issuer: 'auth.docker.com',
    });

    expect(
      await signer.verifyRefreshToken(`${header}.${forgedPayload}.${signature}`, ISSUED),
    ).toBeUndefined();
    expect(
      await signer.verifyRefreshToken(await otherSigner.signRefreshToken(refreshClaims), ISSUED),
    ).toBeUndefined();
    expect(await signer.verifyRefreshToken('not-a-token', ISSUED)).toBeUndefined();
  });
});

describe('JoseTokenSigner JWKS', () => {
  it('publishes the public key under the kid of the tokens', async () => {
    const signer = new JoseTokenSigner(key, {
      kidFormat: 'jwk-thumbprint',
      issuer: 'auth.docker.com',
    });
    const jwk = key.publicKey.export({ format: 'jwk' });

    const document = await signer.jwks();

    expect(document).toEqual({
      keys: [
        {
          kty: 'EC',
          crv: 'P-256',
          x: jwk.x,
          y: jwk.y,
          kid: signer.keyId,
          use: 'sig',
          alg: 'ES256',
          x5c: key.certificateChain,
        },
      ],
    });
    expect(JSON.stringify(document)).not.toMatch(/"d":/);
  });
});
