import { describe, expect, it } from 'vitest';

import { Secret } from '../../../src/domain/shared/secret.js';
import { IssueRegistryToken } from '../../../src/domain/use-cases/issue-registry-token/issue-registry-token.use-case.js';
import { SETTINGS, tokenFixture } from '../fakes/token-fixture.js';

function setup() {
  const fixture = tokenFixture();
  const useCase = new IssueRegistryToken(fixture.minter, fixture.verifier, fixture.throttle);
  return { ...fixture, useCase };
}

const alice = { username: 'alice', password: new Secret('alice-secret') };
const base = { scopes: [], clientAddress: '192.0.2.7', offline: false };

describe('IssueRegistryToken', () => {
  it('signs the asked access intersected with the policy, with every claim of jwt.md', async () => {
    const { useCase, signer } = setup();

    const result = await useCase.execute({
      ...base,
      service: 'registry.docker.com',
      scopes: ['repository:alice/app:pull,push repository:bob/app:pull'],
      credentials: alice,
    });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      subject: 'alice',
      issuedAt: new Date('2026-03-04T05:06:07Z'),
      expiresInSeconds: 300,
      granted: [{ type: 'repository', name: 'alice/app', actions: ['pull', 'push'] }],
    });
    expect(result.value.refreshToken).toBeUndefined();
    expect(signer.readAccessToken(result.value.accessToken.reveal())).toEqual({
      issuer: 'auth.docker.com',
      subject: 'alice',
      audience: 'registry.docker.com',
      issuedAt: new Date('2026-03-04T05:06:07Z'),
      notBefore: new Date('2026-03-04T05:05:57Z'),
      expiresAt: new Date('2026-03-04T05:11:07Z'),
      access: [{ type: 'repository', name: 'alice/app', actions: ['pull', 'push'] }],
    });
  });

  it('answers a request without credentials with an anonymous token that grants nothing', async () => {
    const { useCase, signer, verifier, throttle } = setup();

    const result = await useCase.execute({ ...base, scopes: ['repository:alice/app:pull'] });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.subject).toBe('');
    expect(result.value.granted).toEqual([]);
    expect(signer.readAccessToken(result.value.accessToken.reveal()).subject).toBe('');
    expect(verifier.verified).toEqual([]);
    expect(throttle.failures).toEqual([]);
  });

  it('ignores the account parameter of an anonymous request', async () => {
    const { useCase } = setup();

    const result = await useCase.execute({ ...base, account: 'alice' });

    expect(result).toMatchObject({ ok: true, value: { subject: '' } });
  });

  it('issues a token without access for docker login, which asks no scope', async () => {
    const { useCase } = setup();

    const result = await useCase.execute({ ...base, credentials: alice, account: 'alice' });

    expect(result).toMatchObject({ ok: true, value: { subject: 'alice', granted: [] } });
  });

  it('adds a refresh token bound to the subject, service and password revision when offline', async () => {
    const { useCase, signer, clock } = setup();

    const result = await useCase.execute({ ...base, credentials: alice, offline: true });

    expect(result.ok).toBe(true);
    if (!result.ok || result.value.refreshToken === undefined) throw new Error('no refresh token');
    const claims = await signer.verifyRefreshToken(result.value.refreshToken.reveal(), clock.now());
    expect(claims).toEqual({
      subject: 'alice',
      service: 'registry.docker.com',
      admin: false,
      revision: 'r1',
      issuedAt: new Date('2026-03-04T05:06:07Z'),
      expiresAt: new Date('2026-03-05T05:06:07Z'),
    });
  });

  it('seals the password in the refresh token for a directory that can only verify passwords', async () => {
    const { useCase, signer, clock, verifier } = setup();
    verifier.statusKnown = false;

    const result = await useCase.execute({ ...base, credentials: alice, offline: true });

    if (!result.ok || result.value.refreshToken === undefined) throw new Error('no refresh token');
    const claims = await signer.verifyRefreshToken(result.value.refreshToken.reveal(), clock.now());
    expect(claims?.password?.reveal()).toBe(alice.password.reveal());
  });

  it('gives admins of the directory the catalog', async () => {
    const { useCase } = setup();

    const result = await useCase.execute({
      ...base,
      scopes: ['registry:catalog:*'],
      credentials: { username: 'carol', password: new Secret('carol-secret') },
    });

    expect(result).toMatchObject({
      ok: true,
      value: { granted: [{ type: 'registry', name: 'catalog', actions: ['*'] }] },
    });
  });

  it('refuses a wrong password and records the failure for the throttle', async () => {
    const { useCase, throttle } = setup();

    const result = await useCase.execute({
      ...base,
      credentials: { username: 'alice', password: new Secret('guess') },
    });

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CREDENTIALS', message: 'invalid username or password' },
    });
    expect(throttle.failures).toEqual([{ username: 'alice', clientAddress: '192.0.2.7' }]);
    expect(throttle.successes).toEqual([]);
  });

  it('refuses an unknown user with the same message as a wrong password', async () => {
    const { useCase } = setup();

    const result = await useCase.execute({
      ...base,
      credentials: { username: 'mallory', password: new Secret('x') },
    });

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CREDENTIALS', message: 'invalid username or password' },
    });
  });

  it('records a successful login for the throttle', async () => {
    const { useCase, throttle } = setup();

    await useCase.execute({ ...base, credentials: alice });

    expect(throttle.successes).toEqual([{ username: 'alice', clientAddress: '192.0.2.7' }]);
  });

  it('refuses a throttled login without asking the directory', async () => {
    const { useCase, verifier, throttle } = setup();
    throttle.blockedFor = 42;

    const result = await useCase.execute({ ...base, credentials: alice });

    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'TOO_MANY_ATTEMPTS',
        message: 'too many failed logins: retry in 42 s',
        fields: { retryAfterSeconds: 42 },
      },
    });
    expect(verifier.verified).toEqual([]);
  });

  it('refuses an account parameter that names someone else', async () => {
    const { useCase, verifier } = setup();

    const result = await useCase.execute({ ...base, credentials: alice, account: 'bob' });

    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'ACCOUNT_MISMATCH',
        message: 'account "bob" differs from the authenticated user "alice"',
      },
    });
    expect(verifier.verified).toEqual([]);
  });

  it('refuses another service, quoting it', async () => {
    const { useCase } = setup();

    const result = await useCase.execute({ ...base, service: 'other.example', credentials: alice });

    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'UNKNOWN_SERVICE',
        message: 'service "other.example" is not served here: expected "registry.docker.com"',
      },
    });
  });

  it('takes an absent service for the served one', async () => {
    const { useCase, signer } = setup();

    const result = await useCase.execute({ ...base, service: '', credentials: alice });

    if (!result.ok) throw new Error(result.error.message);
    expect(signer.readAccessToken(result.value.accessToken.reveal()).audience).toBe(
      SETTINGS.service,
    );
  });

  it('refuses a malformed scope before checking the password', async () => {
    const { useCase, verifier } = setup();

    const result = await useCase.execute({
      ...base,
      scopes: ['repository:alice'],
      credentials: alice,
    });

    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_SCOPE',
        message: 'scope "repository:alice" must be type:name:actions',
      },
    });
    expect(verifier.verified).toEqual([]);
  });

  it('answers CREDENTIALS_UNAVAILABLE when the directory cannot be asked', async () => {
    const { useCase, verifier, throttle } = setup();
    verifier.unavailable = true;

    const result = await useCase.execute({ ...base, credentials: alice });

    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'CREDENTIALS_UNAVAILABLE',
        message: 'the user directory cannot be reached: retry later',
      },
    });
    expect(throttle.failures).toEqual([]);
  });

  it('keeps the password out of the error and of the logged input', async () => {
    const { useCase } = setup();
    const input = { ...base, credentials: { username: 'alice', password: new Secret('hunter2') } };

    const result = await useCase.execute(input);

    expect(JSON.stringify(input)).not.toContain('hunter2');
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });
});
