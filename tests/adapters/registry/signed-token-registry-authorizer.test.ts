import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SignedTokenRegistryAuthorizer } from '../../../src/adapters/registry/signed-token-registry-authorizer.js';
import { loadOrGenerateSigningKey } from '../../../src/adapters/token/generated-signing-key.js';
import { JoseTokenSigner } from '../../../src/adapters/token/jose-token-signer.js';
import { FixedClock } from '../../domain/fakes/fixed-clock.js';

let directory: string;
let signer: JoseTokenSigner;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'authorizer-'));
  const { key } = await loadOrGenerateSigningKey(directory);
  signer = new JoseTokenSigner(key, { kidFormat: 'libtrust', issuer: 'auth.docker.com' });
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

function setup(maxEntries = 10) {
  const clock = new FixedClock(new Date('2026-03-04T05:06:07Z'));
  const authorizer = new SignedTokenRegistryAuthorizer(signer, clock, {
    issuer: 'auth.docker.com',
    service: 'registry.docker.com',
    ttlSeconds: 300,
    subject: 'images-service',
    maxEntries,
  });
  return { clock, authorizer };
}

function claimsOf(header: string | undefined) {
  const token = header?.replace(/^Bearer /, '') ?? '';
  return decodeJwt(token);
}

describe('SignedTokenRegistryAuthorizer', () => {
  it('grants pull and delete on the repository of any repository scope', async () => {
    const { authorizer } = setup();

    const header = await authorizer.authorization('repository:alice/app:delete');

    expect(header).toMatch(/^Bearer /);
    expect(claimsOf(header)).toMatchObject({
      iss: 'auth.docker.com',
      sub: 'images-service',
      aud: 'registry.docker.com',
      iat: 1772600767,
      nbf: 1772600757,
      exp: 1772601067,
      access: [{ type: 'repository', name: 'alice/app', actions: ['pull', 'delete'] }],
    });
    expect(decodeProtectedHeader(header?.slice('Bearer '.length) ?? '').x5c).toHaveLength(1);
  });

  it('keeps the catalog scope as it is', async () => {
    const { authorizer } = setup();

    const header = await authorizer.authorization('registry:catalog:*');

    expect(claimsOf(header)['access']).toEqual([
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]);
  });

  it('reuses one token for pull and delete on the same repository', async () => {
    const { authorizer } = setup();

    const pull = await authorizer.authorization('repository:alice/app:pull');
    const remove = await authorizer.authorization('repository:alice/app:delete');

    expect(remove).toBe(pull);
  });

  it('signs a separate token per repository', async () => {
    const { authorizer } = setup();

    const first = await authorizer.authorization('repository:alice/a:pull');
    const second = await authorizer.authorization('repository:alice/b:pull');

    expect(second).not.toBe(first);
  });

  it('renews a token once it is within a fifth of its lifetime of expiring', async () => {
    const { authorizer, clock } = setup();
    const first = await authorizer.authorization('repository:alice/app:pull');

    clock.advance(239);
    const still = await authorizer.authorization('repository:alice/app:pull');
    clock.advance(1);
    const renewed = await authorizer.authorization('repository:alice/app:pull');

    expect(still).toBe(first);
    expect(renewed).not.toBe(first);
    expect(claimsOf(renewed).exp).toBe((claimsOf(first).exp as number) + 240);
  });

  it('forgets the oldest repository beyond its bound', async () => {
    const { authorizer } = setup(1);
    const first = await authorizer.authorization('repository:alice/a:pull');

    await authorizer.authorization('repository:alice/b:pull');
    const again = await authorizer.authorization('repository:alice/a:pull');

    expect(again).not.toBe(first);
  });

  it('refuses a malformed scope as the programming error it is', async () => {
    const { authorizer } = setup();

    await expect(authorizer.authorization('repository:alice')).rejects.toThrow(
      'registry authorizer got a malformed scope: scope "repository:alice" must be type:name:actions',
    );
  });
});
