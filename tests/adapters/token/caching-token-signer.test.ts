import { describe, expect, it } from 'vitest';

import { CachingTokenSigner } from '../../../src/adapters/token/caching-token-signer.js';
import type { AccessTokenClaims } from '../../../src/domain/ports/token-signer.port.js';
import { ReadableTokenSigner } from '../../domain/fakes/readable-token-signer.js';

/** Counts signatures, and fails when told to. */
class CountingSigner extends ReadableTokenSigner {
  signed = 0;
  failNext = false;

  override async signAccessToken(claims: AccessTokenClaims): Promise<string> {
    this.signed += 1;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('key unavailable');
    }
    return `${await super.signAccessToken(claims)}#${this.signed}`;
  }
}

const at = (iso: string) => new Date(iso);
function claims(overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
  return {
    issuer: 'auth.docker.com',
    subject: 'alice',
    audience: 'registry.docker.com',
    issuedAt: at('2026-03-04T05:06:07Z'),
    notBefore: at('2026-03-04T05:05:57Z'),
    expiresAt: at('2026-03-04T05:11:07Z'),
    access: [{ type: 'repository', name: 'alice/app', actions: ['pull', 'push'] }],
    ...overrides,
  };
}

describe('CachingTokenSigner', () => {
  it('signs identical claims of one second once', async () => {
    const inner = new CountingSigner();
    const signer = new CachingTokenSigner(inner, 100);

    const [first, second] = await Promise.all([
      signer.signAccessToken(claims()),
      signer.signAccessToken(claims()),
    ]);

    expect(second).toBe(first);
    expect(inner.signed).toBe(1);
  });

  it.each<[string, Partial<AccessTokenClaims>]>([
    ['another subject', { subject: 'bob' }],
    ['other access', { access: [{ type: 'repository', name: 'alice/app', actions: ['pull'] }] }],
    ['an anonymous subject', { subject: '' }],
  ])('signs again for %s', async (_case, overrides) => {
    const inner = new CountingSigner();
    const signer = new CachingTokenSigner(inner, 100);

    const first = await signer.signAccessToken(claims());
    const other = await signer.signAccessToken(claims(overrides));

    expect(other).not.toBe(first);
    expect(inner.signed).toBe(2);
  });

  it('signs again in the next second, and forgets the earlier one', async () => {
    const inner = new CountingSigner();
    const signer = new CachingTokenSigner(inner, 100);
    const later = { issuedAt: at('2026-03-04T05:06:08Z'), expiresAt: at('2026-03-04T05:11:08Z') };

    await signer.signAccessToken(claims());
    await signer.signAccessToken(claims(later));
    await signer.signAccessToken(claims());

    expect(inner.signed).toBe(3);
  });

  it('does not hand out a failed signature again', async () => {
    const inner = new CountingSigner();
    const signer = new CachingTokenSigner(inner, 100);
    inner.failNext = true;

    await expect(signer.signAccessToken(claims())).rejects.toThrow('key unavailable');
    const retried = await signer.signAccessToken(claims());

    expect(retried).toMatch(/#2$/);
  });

  it('stops remembering beyond its bound and still signs', async () => {
    const inner = new CountingSigner();
    const signer = new CachingTokenSigner(inner, 1);

    await signer.signAccessToken(claims({ subject: 'a' }));
    await signer.signAccessToken(claims({ subject: 'b' }));
    await signer.signAccessToken(claims({ subject: 'b' }));

    expect(inner.signed).toBe(3);
  });

  it('passes refresh tokens through', async () => {
    const inner = new CountingSigner();
    const signer = new CachingTokenSigner(inner, 100);
    const refresh = {
      subject: 'alice',
      service: 's',
      admin: false,
      issuedAt: at('2026-03-04T05:06:07Z'),
      expiresAt: at('2027-01-01T00:00:00Z'),
    };

    const token = await signer.signRefreshToken(refresh);

    expect(await signer.verifyRefreshToken(token, at('2026-03-04T05:06:08Z'))).toEqual(refresh);
  });
});
