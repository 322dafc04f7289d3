import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadSigningKey } from '../../../src/adapters/token/signing-key.js';
import { runReconcileCommand } from '../../../src/application/commands/reconcile-command.js';
import { seedCatalog, tagPush } from '../../support/catalog-seed.js';
import {
  hmacWithPublicKey,
  signWith,
  unsignedToken,
  validClaims,
} from '../../support/forged-tokens.js';
import { pushTestImage, skopeoDelete, skopeoInspect, SkopeoError } from '../../support/skopeo.js';
import {
  ACCOUNTS,
  TOKEN_ISSUER,
  TOKEN_SERVICE,
  TokenAuthStack,
  type TokenAuthStackOptions,
} from '../../support/token-auth-stack.js';
import { opensslKeyFiles } from '../../support/token-keys.js';

const alice = { username: 'alice', password: ACCOUNTS.alice };
const bob = { username: 'bob', password: ACCOUNTS.bob };
const root = { username: 'root', password: ACCOUNTS.root };

// Every registry with both credential adapters, and both kid formats on both registries.
const STACKS: TokenAuthStackOptions[] = [
  { version: '2.8', credentials: 'htpasswd', kidFormat: 'libtrust' },
  { version: '2.8', credentials: 'users-service', kidFormat: 'jwk-thumbprint' },
  { version: '3', credentials: 'htpasswd', kidFormat: 'jwk-thumbprint' },
  { version: '3', credentials: 'users-service', kidFormat: 'libtrust' },
];

describe.each(STACKS)('registry $version with $credentials and $kidFormat key ids', (options) => {
  let stack: TokenAuthStack;

  beforeAll(async () => {
    stack = await TokenAuthStack.start(options);
    await pushTestImage(
      `${stack.registry.host}/alice/app:v1`,
      { content: 'alice app v1' },
      { creds: alice },
    );
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it('lets alice push, inspect and delete her own image with skopeo', async () => {
    const reference = `${stack.registry.host}/alice/tools/cli:v2`;

    const pushed = await pushTestImage(reference, { content: 'alice cli v2' }, { creds: alice });
    expect(await skopeoInspect(reference, { creds: alice })).toBe(pushed.digest);

    await skopeoDelete(reference, { creds: alice });
    expect(await skopeoInspect(reference, { creds: alice })).toBeUndefined();
  });

  it("refuses bob a push into alice's namespace", async () => {
    const pushing = pushTestImage(
      `${stack.registry.host}/alice/app:bob`,
      { content: 'bob was here' },
      { creds: bob },
    );

    await expect(pushing).rejects.toBeInstanceOf(SkopeoError);
    await expect(pushing).rejects.toThrow(/denied|unauthorized|authentication required/i);
    expect(await stack.registry.manifestStatus('alice/app', 'bob')).not.toBe(200);
  });

  it('refuses an anonymous push', async () => {
    const pushing = pushTestImage(`${stack.registry.host}/alice/app:anon`, {
      content: 'anonymous',
    });

    await expect(pushing).rejects.toThrow(/denied|unauthorized|authentication required/i);
  });

  it('refuses a push with a wrong password', async () => {
    const pushing = pushTestImage(
      `${stack.registry.host}/alice/app:guess`,
      { content: 'guess' },
      { creds: { username: 'alice', password: 'guess' } },
    );

    await expect(pushing).rejects.toThrow(/unauthorized|invalid username or password/i);
  });

  it('lets an admin list the catalog with a token, and nobody else', async () => {
    const rootToken = await stack.token(['registry:catalog:*'], root);
    const aliceToken = await stack.token(['registry:catalog:*'], alice);

    const response = await fetch(`${stack.registry.url}/v2/_catalog`, {
      headers: { authorization: `Bearer ${rootToken}` },
    });

    expect(response.status).toBe(200);
    expect(((await response.json()) as { repositories: string[] }).repositories).toContain(
      'alice/app',
    );
    expect(await stack.registryStatus('/v2/_catalog', aliceToken)).toBe(401);
  });

  it('accepts an access token obtained with a refresh token from POST', async () => {
    const login = await fetch(stack.realm, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        ...alice,
        service: TOKEN_SERVICE,
        client_id: 'e2e',
        access_type: 'offline',
      }),
    });
    const refreshToken = ((await login.json()) as { refresh_token: string }).refresh_token;

    const refreshed = await fetch(stack.realm, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        service: TOKEN_SERVICE,
        client_id: 'e2e',
        scope: 'repository:alice/app:pull',
      }),
    });
    const accessToken = ((await refreshed.json()) as { access_token: string }).access_token;

    expect(await stack.registryStatus('/v2/alice/app/tags/list', accessToken)).toBe(200);
    expect(await stack.registryStatus('/v2/alice/app/tags/list', refreshToken)).toBe(401);
  });

  it('lets the service delete through the registry with tokens it signs itself', async () => {
    const pushed = await pushTestImage(
      `${stack.registry.host}/alice/doomed:v1`,
      { content: 'doomed' },
      { creds: alice },
    );
    const { digest, mediaType, size } = pushed;
    await seedCatalog(stack.service.mongodbUri, [
      tagPush('alice/doomed', 'v1', { digest, mediaType, size }),
    ]);

    const response = await stack.service.client.delete({ name: 'alice/doomed' });

    expect(response).toMatchObject({ code: 200 });
    expect(
      await skopeoInspect(`${stack.registry.host}/alice/doomed:v1`, { creds: alice }),
    ).toBeUndefined();
  });

  it('reconciles the catalog from the registry with tokens it signs itself', async () => {
    let output = '';
    const stdout = new Writable({
      write: (chunk: Buffer, _encoding, done) => done(void (output += chunk.toString())),
    });

    const code = await runReconcileCommand([], { env: stack.env, stdout, stderr: stdout });

    expect(code, output).toBe(0);
    expect(output).toMatch(/^added: [1-9]/m);
    const found = await stack.service.client.find({ name: 'alice/app:v1' });
    expect(found.status?.code).toBe(200);
  });

  describe('forged tokens', () => {
    let directory: string;
    const path = '/v2/alice/app/tags/list';
    const claims = () => validClaims(TOKEN_ISSUER, TOKEN_SERVICE, 'alice/app');

    beforeAll(async () => {
      directory = await mkdtemp(join(tmpdir(), 'forged-'));
    });

    afterAll(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    it('are told apart from a token signed the same way with the real key, which passes', async () => {
      const token = await signWith(claims(), stack.key.privateKey, stack.key);

      expect(await stack.registryStatus(path, token)).toBe(200);
    });

    it('with alg none are refused', async () => {
      expect(await stack.registryStatus(path, unsignedToken(claims(), stack.key))).toBe(401);
    });

    it('signed HS256 with the public key as secret are refused', async () => {
      expect(await stack.registryStatus(path, await hmacWithPublicKey(claims(), stack.key))).toBe(
        401,
      );
    });

    it('signed by a foreign key with its own certificate are refused', async () => {
      const files = await opensslKeyFiles(directory, 'ec', 'foreign');
      const foreign = await loadSigningKey({ ...files, keyLabel: 'key', certificateLabel: 'cert' });

      expect(
        await stack.registryStatus(path, await signWith(claims(), foreign.privateKey, foreign)),
      ).toBe(401);
    });

    it('signed by a foreign key behind the trusted certificate are refused', async () => {
      const files = await opensslKeyFiles(directory, 'ec', 'impostor');
      const foreign = await loadSigningKey({ ...files, keyLabel: 'key', certificateLabel: 'cert' });

      expect(
        await stack.registryStatus(path, await signWith(claims(), foreign.privateKey, stack.key)),
      ).toBe(401);
    });

    it('that expired are refused', async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = { ...claims(), iat: now - 7200, nbf: now - 7200, exp: now - 3600 };

      expect(
        await stack.registryStatus(path, await signWith(expired, stack.key.privateKey, stack.key)),
      ).toBe(401);
    });

    it('for another audience are refused', async () => {
      const elsewhere = { ...claims(), aud: 'other-registry.example' };

      expect(
        await stack.registryStatus(
          path,
          await signWith(elsewhere, stack.key.privateKey, stack.key),
        ),
      ).toBe(401);
    });

    it('from another issuer are refused', async () => {
      const stranger = { ...claims(), iss: 'evil.example' };

      expect(
        await stack.registryStatus(path, await signWith(stranger, stack.key.privateKey, stack.key)),
      ).toBe(401);
    });
  });
});

describe('refresh tokens of Users Service accounts', () => {
  let stack: TokenAuthStack;

  beforeAll(async () => {
    // No credential cache: a removed account then fails at the very next refresh.
    stack = await TokenAuthStack.start({
      version: '3',
      credentials: 'users-service',
      kidFormat: 'jwk-thumbprint',
      env: { CREDENTIAL_CACHE_TTL_SECONDS: '0' },
    });
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it('stop refreshing once the Users Service no longer verifies the account', async () => {
    stack.users?.add('dave', 'dave-secret');
    const grant = (form: Record<string, string>) =>
      fetch(stack.realm, {
        method: 'POST',
        body: new URLSearchParams({ service: TOKEN_SERVICE, client_id: 'e2e', ...form }),
      });
    const login = await grant({
      grant_type: 'password',
      username: 'dave',
      password: 'dave-secret',
      access_type: 'offline',
    });
    const refreshToken = ((await login.json()) as { refresh_token: string }).refresh_token;
    const refresh = { grant_type: 'refresh_token', refresh_token: refreshToken };

    expect((await grant(refresh)).status).toBe(200);
    stack.users?.remove('dave');
    const refused = await grant(refresh);

    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });
  });
});
