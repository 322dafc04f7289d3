import { createHash, type KeyObject } from 'node:crypto';

/** How the `kid` header names the signing key: the form registry 2.x or 3.x looks up. */
export type KeyIdFormat = 'libtrust' | 'jwk-thumbprint';
export const KEY_ID_FORMATS: readonly KeyIdFormat[] = ['libtrust', 'jwk-thumbprint'];

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The libtrust fingerprint of jwt.md: SHA-256 of the DER public key, cut to 240 bits, in base32
 * as twelve groups of four joined by colons. Registry 2.x files trusted keys under it.
 */
export function libtrustKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const digest = createHash('sha256').update(der).digest().subarray(0, 30);
  return base32(digest).match(/.{4}/g)?.join(':') ?? '';
}

/**
 * The RFC 7638 JWK thumbprint, which registry 3.x files keys under: SHA-256 over the key's
 * required members in lexicographic order without whitespace, in base64url.
 */
export function jwkThumbprintKeyId(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const members =
    jwk.kty === 'EC'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

export function keyId(publicKey: KeyObject, format: KeyIdFormat): string {
  return format === 'libtrust' ? libtrustKeyId(publicKey) : jwkThumbprintKeyId(publicKey);
}

// RFC 4648 base32 without padding; 30 bytes make exactly 48 characters.
function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';

  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }

  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}
