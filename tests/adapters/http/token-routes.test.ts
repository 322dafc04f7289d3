import { decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UsersServiceCredentialVerifier } from '../../../src/adapters/credentials/users-service-credential-verifier.js';
import { freePort } from '../../support/processes.js';
import {
  basic,
  REALM,
  startTokenEndpoint,
  USERS,
  type TokenEndpoint,
} from './token-endpoint-fixture.js';

let endpoint: TokenEndpoint;

beforeAll(async () => {
  endpoint = await startTokenEndpoint();
});

afterAll(async () => {
  await endpoint.close();
});

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

async function get(query: string, authorization?: string, target = endpoint): Promise<Answer> {
  const response = await fetch(`${target.url}/auth${query}`, {
    headers: authorization === undefined ? {} : { authorization },
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function post(
  form: Record<string, string>,
  contentType = 'application/x-www-form-urlencoded',
): Promise<Answer> {
  const response = await fetch(`${endpoint.url}/auth`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: contentType.includes('json')
      ? JSON.stringify(form)
      : new URLSearchParams(form).toString(),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

function expectError(answer: Answer, status: number, code: string, message: string): void {
  expect({ status: answer.status, body: answer.body }).toEqual({
    status,
    body: { errors: [{ code, message }] },
  });
  expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
}

async function claims(token: unknown) {
  return (await jwtVerify(token as string, endpoint.key.publicKey)).payload;
}

const SERVICE = 'service=registry.docker.com';

describe('GET /auth', () => {
  it('issues an anonymous token without credentials, granting nothing', async () => {
    const answer = await get(`?${SERVICE}&scope=repository:alice/app:pull`);

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(await claims(answer.body['token'])).toMatchObject({ sub: '', access: [] });
  });

  it('answers docker login, which sends no scope, with the fields of token.md', async () => {
    const answer = await get(
      `?account=alice&client_id=docker&offline_token=false&${SERVICE}`,
      basic('alice', USERS.alice),
    );

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      token: expect.any(String),
      access_token: answer.body['token'],
      expires_in: 300,
      issued_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    const payload = await claims(answer.body['token']);
    expect(payload).toMatchObject({
      iss: 'auth.docker.com',
      sub: 'alice',
      aud: 'registry.docker.com',
      access: [],
    });
    expect(payload.iat).toBe(Date.parse(answer.body['issued_at'] as string) / 1000);
  });

  it('grants what alice asks in her namespace and nothing elsewhere, over repeated and spaced scopes', async () => {
    const query = `?${SERVICE}&scope=repository:alice/app:pull,push&scope=${encodeURIComponent('repository:bob/app:pull repository:alice/app:delete')}`;

    const answer = await get(query, basic('alice', USERS.alice));

    expect(answer.status).toBe(200);
    expect((await claims(answer.body['token']))['access']).toEqual([
      { type: 'repository', name: 'alice/app', actions: ['pull', 'push', 'delete'] },
    ]);
  });

  it('hands out a refresh token with offline_token=true', async () => {
    const answer = await get(`?${SERVICE}&offline_token=true`, basic('alice', USERS.alice));

    expect(answer.status).toBe(200);
    expect(answer.body['refresh_token']).toEqual(expect.any(String));
    expect(answer.body['scope']).toBeUndefined();
  });

  it('refuses a wrong password with 401, a Basic challenge and the JSON error body', async () => {
    const answer = await get(`?${SERVICE}`, basic('alice', 'guess'));

    expectError(answer, 401, 'UNAUTHORIZED', 'invalid username or password');
    expect(answer.headers.get('www-authenticate')).toBe(`Basic realm="${REALM}"`);
  });

  it.each([
    [
      'another scheme',
      'Bearer abc.def.ghi',
      'the Authorization header must hold Basic credentials',
    ],
    [
      'Basic without a colon',
      `Basic ${Buffer.from('alice').toString('base64')}`,
      'the Authorization header must hold username:password',
    ],
    ['Basic without credentials', 'Basic', 'the Authorization header must hold Basic credentials'],
  ])('refuses %s in the Authorization header with 401', async (_case, header, message) => {
    const answer = await get(`?${SERVICE}`, header);

    expectError(answer, 401, 'UNAUTHORIZED', message);
    expect(answer.headers.get('www-authenticate')).toBe(`Basic realm="${REALM}"`);
  });

  it('refuses a malformed scope with 400, quoting it', async () => {
    const answer = await get(`?${SERVICE}&scope=repository:alice`, basic('alice', USERS.alice));

    expectError(answer, 400, 'INVALID_SCOPE', 'scope "repository:alice" must be type:name:actions');
  });

  it('refuses another service with 400, quoting it', async () => {
    const answer = await get('?service=evil.example', basic('alice', USERS.alice));

    expectError(
      answer,
      400,
      'UNKNOWN_SERVICE',
      'service "evil.example" is not served here: expected "registry.docker.com"',
    );
  });

  it('refuses an account that differs from the Basic user with 400', async () => {
    const answer = await get(`?${SERVICE}&account=bob`, basic('alice', USERS.alice));

    expectError(
      answer,
      400,
      'ACCOUNT_MISMATCH',
      'account "bob" differs from the authenticated user "alice"',
    );
  });
});

describe('POST /auth', () => {
  it('runs the password grant with a refresh token and the granted scope, as oauth.md', async () => {
    const answer = await post({
      grant_type: 'password',
      username: 'alice',
      password: USERS.alice,
      service: 'registry.docker.com',
      client_id: 'containerd',
      access_type: 'offline',
      scope: 'repository:alice/app:pull,push repository:bob/app:pull',
    });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      token: expect.any(String),
      access_token: answer.body['token'],
      expires_in: 300,
      issued_at: expect.any(String),
      refresh_token: expect.any(String),
      scope: 'repository:alice/app:pull,push',
    });
  });

  it('runs the refresh_token grant for the same subject with the newly asked scope', async () => {
    const first = await post({
      grant_type: 'password',
      username: 'alice',
      password: USERS.alice,
      service: 'registry.docker.com',
      client_id: 'test',
      access_type: 'offline',
    });

    const answer = await post({
      grant_type: 'refresh_token',
      refresh_token: first.body['refresh_token'] as string,
      service: 'registry.docker.com',
      client_id: 'test',
      scope: 'repository:alice/other:push',
    });

    expect(answer.status).toBe(200);
    expect(answer.body['refresh_token']).toBeUndefined();
    expect(answer.body['scope']).toBe('repository:alice/other:push');
    expect(await claims(answer.body['token'])).toMatchObject({ sub: 'alice' });
  });

  it('repeats the refresh token when the refresh grant asks offline again', async () => {
    const first = await post({
      grant_type: 'password',
      username: 'alice',
      password: USERS.alice,
      access_type: 'offline',
    });

    const answer = await post({
      grant_type: 'refresh_token',
      refresh_token: first.body['refresh_token'] as string,
      access_type: 'offline',
    });

    expect(answer.body['refresh_token']).toBe(first.body['refresh_token']);
  });

  it('accepts the form as JSON too', async () => {
    const answer = await post(
      { grant_type: 'password', username: 'alice', password: USERS.alice },
      'application/json',
    );

    expect(answer.status).toBe(200);
  });

  it('refuses a wrong password with 401, never 403', async () => {
    const answer = await post({ grant_type: 'password', username: 'alice', password: 'guess' });

    expectError(answer, 401, 'UNAUTHORIZED', 'invalid username or password');
    expect(answer.headers.get('www-authenticate')).toBe(`Basic realm="${REALM}"`);
  });

  it('refuses a refresh token that is not one with 401', async () => {
    const access = await post({ grant_type: 'password', username: 'alice', password: USERS.alice });

    const answer = await post({
      grant_type: 'refresh_token',
      refresh_token: access.body['token'] as string,
    });

    expectError(answer, 401, 'UNAUTHORIZED', 'the refresh token is invalid, expired or revoked');
  });

  it.each([
    [
      { grant_type: 'client_credentials' },
      'UNSUPPORTED_GRANT_TYPE',
      'grant_type "client_credentials" is not supported: use "password" or "refresh_token"',
    ],
    [{}, 'UNSUPPORTED_GRANT_TYPE', 'grant_type is required: use "password" or "refresh_token"'],
    [
      { grant_type: 'password', password: 'x' },
      'MISSING_PARAMETER',
      'username is required for the password grant',
    ],
    [
      { grant_type: 'password', username: 'alice' },
      'MISSING_PARAMETER',
      'password is required for the password grant',
    ],
    [
      { grant_type: 'refresh_token' },
      'MISSING_PARAMETER',
      'refresh_token is required for the refresh_token grant',
    ],
    [
      {
        grant_type: 'password',
        username: 'alice',
        password: USERS.alice,
        scope: 'repository::pull',
      },
      'INVALID_SCOPE',
      'scope "repository::pull" has a malformed resource name ""',
    ],
    [
      { grant_type: 'password', username: 'alice', password: USERS.alice, service: 'x' },
      'UNKNOWN_SERVICE',
      'service "x" is not served here: expected "registry.docker.com"',
    ],
  ])('refuses the form %j with 400', async (form, code, message) => {
    expectError(await post(form as Record<string, string>), 400, code, message);
  });

  it('answers a body it cannot read with 400, so that containerd falls back to GET', async () => {
    const answer = await post({ grant_type: 'password' }, 'application/xml');

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      errors: [{ code: 'INVALID_REQUEST', message: expect.any(String) }],
    });
  });
});

describe('GET /.well-known/jwks.json', () => {
  it('publishes the key the tokens name, which verifies them', async () => {
    const token = (await get(`?${SERVICE}`, basic('alice', USERS.alice))).body['token'] as string;

    const response = await fetch(`${endpoint.url}/.well-known/jwks.json`);
    const jwks = (await response.json()) as { keys: { kid: string }[] };

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(jwks.keys.map((key) => key.kid)).toEqual([endpoint.signer.keyId]);
    expect(
      JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()),
    ).toMatchObject({ kid: endpoint.signer.keyId });
  });
});

describe('the token endpoint under failures', () => {
  it('answers 429 with Retry-After once an account failed too often', async () => {
    const limited = await startTokenEndpoint({ maxFailuresPerAccount: 2 });
    try {
      await get(`?${SERVICE}`, basic('bob', 'guess-1'), limited);
      await get(`?${SERVICE}`, basic('bob', 'guess-2'), limited);

      const answer = await get(`?${SERVICE}`, basic('bob', USERS.bob), limited);

      expectError(answer, 429, 'TOO_MANY_REQUESTS', 'too many failed logins: retry in 300 s');
      expect(answer.headers.get('retry-after')).toBe('300');
      expect((await get(`?${SERVICE}`, basic('alice', USERS.alice), limited)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('answers 503, not 401, when the Users Service cannot be reached', async () => {
    const port = await freePort();
    const unreachable = new UsersServiceCredentialVerifier({
      address: `127.0.0.1:${port}`,
      timeoutMs: 2000,
    });
    const broken = await startTokenEndpoint({ verifier: () => unreachable });
    try {
      const answer = await get(`?${SERVICE}`, basic('alice', USERS.alice), broken);

      expectError(answer, 503, 'UNAVAILABLE', 'the user directory cannot be reached: retry later');
      expect(answer.headers.get('www-authenticate')).toBeNull();
    } finally {
      unreachable.close();
      await broken.close();
    }
  });

  it('answers 500 naming only the request id when something unexpected breaks', async () => {
    const broken = await startTokenEndpoint({
      verifier: () => ({
        checksStatusWithoutPassword: true,
        verify: async () => {
          throw new Error('disk on fire at /secret/path');
        },
        status: async () => ({ status: 'gone' }),
      }),
    });
    try {
      const response = await fetch(`${broken.url}/auth?${SERVICE}`, {
        headers: { authorization: basic('alice', USERS.alice), 'x-request-id': 'req-42' },
      });

      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({
        errors: [{ code: 'INTERNAL', message: 'an internal error occurred (request req-42)' }],
      });
      const logged = broken.logs
        .forRequest('req-42')
        .find((line) => line.msg === 'token request failed');
      expect(logged?.level).toBe(50);
    } finally {
      await broken.close();
    }
  });

  it('never writes a password or a token to the log', async () => {
    const answer = await get(`?${SERVICE}&offline_token=true`, basic('alice', USERS.alice));
    await post({ grant_type: 'password', username: 'alice', password: 'wrong-horse' });
    await post({
      grant_type: 'refresh_token',
      refresh_token: answer.body['refresh_token'] as string,
    });

    const log = endpoint.logs.raw.join('\n');
    expect(log).not.toContain(USERS.alice);
    expect(log).not.toContain('wrong-horse');
    expect(log).not.toContain(answer.body['token'] as string);
    expect(log).not.toContain(answer.body['refresh_token'] as string);
    expect(log).not.toContain(Buffer.from(`alice:${USERS.alice}`).toString('base64'));
    expect(decodeJwt(answer.body['token'] as string).sub).toBe('alice');
  });
});

describe('POST /auth with JSON of the wrong types', () => {
  it('takes a field that is not a string for a missing one', async () => {
    const answer = await post(
      { grant_type: 'password', username: 'alice', password: 42 } as never,
      'application/json',
    );

    expectError(answer, 400, 'MISSING_PARAMETER', 'password is required for the password grant');
  });
});
