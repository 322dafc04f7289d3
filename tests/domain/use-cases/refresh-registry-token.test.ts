import { describe, expect, it } from 'vitest';

import { Secret } from '../../../src/domain/shared/secret.js';
import { IssueRegistryToken } from '../../../src/domain/use-cases/issue-registry-token/issue-registry-token.use-case.js';
import { RefreshRegistryToken } from '../../../src/domain/use-cases/refresh-registry-token/refresh-registry-token.use-case.js';
import type { InMemoryCredentialVerifier } from '../fakes/in-memory-credential-verifier.js';
import { tokenFixture } from '../fakes/token-fixture.js';

async function setup(username = 'alice', password = 'alice-secret', statusKnown = true) {
  const fixture = tokenFixture();
  fixture.verifier.statusKnown = statusKnown;
  const issue = new IssueRegistryToken(fixture.minter, fixture.verifier, fixture.throttle);
  const useCase = new RefreshRegistryToken(
    fixture.minter,
    fixture.signer,
    fixture.verifier,
    fixture.clock,
  );

  const issued = await issue.execute({
    scopes: [],
    credentials: { username, password: new Secret(password) },
    clientAddress: '192.0.2.7',
    offline: true,
  });
  if (!issued.ok || issued.value.refreshToken === undefined) throw new Error('no refresh token');

  return { ...fixture, useCase, refreshToken: issued.value.refreshToken };
}

describe('RefreshRegistryToken', () => {
  it('issues an access token for the subject with the access the policy gives now', async () => {
    const { useCase, refreshToken, signer } = await setup();

    const result = await useCase.execute({
      scopes: ['repository:alice/app:push', 'repository:bob/app:pull'],
      refreshToken,
      offline: false,
    });

    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.subject).toBe('alice');
    expect(result.value.refreshToken).toBeUndefined();
    expect(signer.readAccessToken(result.value.accessToken.reveal()).access).toEqual([
      { type: 'repository', name: 'alice/app', actions: ['push'] },
    ]);
  });

  it('hands back the same refresh token when asked offline again', async () => {
    const { useCase, refreshToken } = await setup();

    const result = await useCase.execute({ scopes: [], refreshToken, offline: true });

    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.refreshToken?.reveal()).toBe(refreshToken.reveal());
  });

  it('keeps the admin flag of a directory that can no longer be asked about the account', async () => {
    const { useCase, refreshToken, verifier } = await setup('carol', 'carol-secret');
    verifier.statusKnown = false;

    const result = await useCase.execute({
      scopes: ['registry:catalog:*'],
      refreshToken,
      offline: false,
    });

    expect(result).toMatchObject({ ok: true, value: { granted: [{ name: 'catalog' }] } });
  });

  it('verifies again the password sealed for a directory that can only verify passwords', async () => {
    const { useCase, refreshToken, verifier } = await setup('alice', 'alice-secret', false);

    const result = await useCase.execute({ scopes: [], refreshToken, offline: false });

    expect(result).toMatchObject({ ok: true, value: { subject: 'alice' } });
    expect(verifier.verified).toEqual(['alice', 'alice']);
  });

  it.each([
    ['removed', (verifier: InMemoryCredentialVerifier) => verifier.remove('alice')],
    [
      'given a new password',
      (verifier: InMemoryCredentialVerifier) => verifier.add('alice', 'new'),
    ],
  ])('refuses once an account that only verifies passwords was %s', async (_change, change) => {
    const { useCase, refreshToken, verifier } = await setup('alice', 'alice-secret', false);
    change(verifier);

    const result = await useCase.execute({ scopes: [], refreshToken, offline: false });

    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_REFRESH_TOKEN',
        fields: { reason: 'the account no longer verifies', username: 'alice' },
      },
    });
  });

  it('refuses once the account is gone from the directory', async () => {
    const { useCase, refreshToken, verifier } = await setup();
    verifier.remove('alice');

    const result = await useCase.execute({ scopes: [], refreshToken, offline: false });

    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_REFRESH_TOKEN',
        message: 'the refresh token is invalid, expired or revoked',
        fields: { reason: 'the account no longer exists', username: 'alice' },
      },
    });
  });

  it('refuses once the password changed', async () => {
    const { useCase, refreshToken, verifier } = await setup();
    verifier.add('alice', 'new-secret', { revision: 'r2' });

    const result = await useCase.execute({ scopes: [], refreshToken, offline: false });

    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_REFRESH_TOKEN',
        fields: { reason: 'the password changed since it was issued' },
      },
    });
  });

  it('refuses an expired refresh token', async () => {
    const { useCase, refreshToken, clock } = await setup();
    clock.advance(86_401);

    const result = await useCase.execute({ scopes: [], refreshToken, offline: false });

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REFRESH_TOKEN', fields: { reason: 'not a valid refresh token' } },
    });
  });

  it('refuses an access token offered as refresh token', async () => {
    const { useCase } = await setup();

    const result = await useCase.execute({
      scopes: [],
      refreshToken: new Secret('access:{}'),
      offline: false,
    });

    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REFRESH_TOKEN' } });
  });

  it('refuses a refresh token issued for another service', async () => {
    const { useCase, signer, clock } = await setup();
    const foreign = await signer.signRefreshToken({
      subject: 'alice',
      service: 'other.example',
      admin: false,
      issuedAt: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 60_000),
    });

    const result = await useCase.execute({
      scopes: [],
      refreshToken: new Secret(foreign),
      offline: false,
    });

    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_REFRESH_TOKEN',
        fields: { reason: 'issued for service "other.example"' },
      },
    });
  });

  it('refuses a request for another service before reading the token', async () => {
    const { useCase, refreshToken } = await setup();

    const result = await useCase.execute({
      service: 'x',
      scopes: [],
      refreshToken,
      offline: false,
    });

    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_SERVICE' } });
  });

  it('refuses a malformed scope', async () => {
    const { useCase, refreshToken } = await setup();

    const result = await useCase.execute({ scopes: ['registry'], refreshToken, offline: false });

    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_SCOPE' } });
  });

  it('answers CREDENTIALS_UNAVAILABLE when the directory cannot be asked', async () => {
    const { useCase, refreshToken, verifier } = await setup();
    verifier.unavailable = true;

    const result = await useCase.execute({ scopes: [], refreshToken, offline: false });

    expect(result).toMatchObject({ ok: false, error: { code: 'CREDENTIALS_UNAVAILABLE' } });
  });
});
