import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';

import { calculateJwkThumbprint, exportJWK } from 'jose';
import { describe, expect, it } from 'vitest';

import { jwkThumbprintKeyId, libtrustKeyId } from '../../../src/adapters/token/key-id.js';

// RFC 7638, section 3.1: the example RSA key and its SHA-256 thumbprint.
const RFC7638_KEY = {
  kty: 'RSA',
  e: 'AQAB',
  n:
    '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebW' +
    'KRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQ' +
    'MicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2N' +
    'cRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
};
const RFC7638_THUMBPRINT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

/** jwt.md's recipe, with openssl and coreutils instead of this service's code. */
function libtrustWithTools(publicPem: string): string {
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: publicPem });
  const digest = execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der });
  const encoded = execFileSync('base32', ['-w', '0'], { input: digest.subarray(0, 30) }).toString();
  return encoded.replace(/=+$/, '').match(/.{4}/g)?.join(':') ?? '';
}

describe('libtrustKeyId', () => {
  it.each([
    ['an EC P-256 key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['an RSA key', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
  ])('matches the fingerprint openssl and base32 compute for %s', (_kind, generate) => {
    const { publicKey } = generate();
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

    const id = libtrustKeyId(publicKey);

    expect(id).toBe(libtrustWithTools(pem));
    expect(id).toMatch(/^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
  });
});

describe('jwkThumbprintKeyId', () => {
  it('gives the thumbprint of the RFC 7638 example key', () => {
    const key = createPublicKey({ key: RFC7638_KEY, format: 'jwk' });

    expect(jwkThumbprintKeyId(key)).toBe(RFC7638_THUMBPRINT);
  });

  it.each([
    ['an EC P-256 key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['an RSA key', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
  ])("agrees with jose's own thumbprint for %s", async (_kind, generate) => {
    const { publicKey } = generate();

    expect(jwkThumbprintKeyId(publicKey)).toBe(
      await calculateJwkThumbprint(await exportJWK(publicKey), 'sha256'),
    );
  });
});
