import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, describe, expect, it } from 'vitest';

import { eventually } from '../support/eventually.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../support/images-service.js';
import { FakeUsersService } from '../support/users-service.js';

const CACHE_TTL_SECONDS = 3;
const UNAVAILABLE = {
  errors: [{ code: 'UNAVAILABLE', message: 'the user directory cannot be reached: retry later' }],
};

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: unknown;
}

describe('the token endpoint while the Users Service is down', () => {
  const cleanups: (() => Promise<unknown>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp() {
    const users = await FakeUsersService.start();
    users.add('alice', 'alice-secret').add('bob', 'bob-secret');
    const stack = { users, service: undefined as unknown as ServiceUnderTest };
    cleanups.push(() => stack.users.stop());
    stack.service = await startServiceUnderTest({
      USERS_SERVICE_ADDR: users.address,
      USERS_SERVICE_TIMEOUT_MS: '1000',
      CREDENTIAL_CACHE_TTL_SECONDS: String(CACHE_TTL_SECONDS),
    });
    cleanups.push(() => stack.service.stop());
    return stack;
  }

  async function login(service: ServiceUnderTest, user: string, password: string): Promise<Answer> {
    const query = 'service=registry.docker.com&scope=repository:alice/app:pull';
    const response = await fetch(`${service.httpUrl}/auth?${query}`, {
      headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: await response.json(),
    };
  }

  it('keeps a cached login working until its TTL, refuses new logins with 503, and recovers', async () => {
    const stack = await setUp();
    const verifiedAt = Date.now();
    expect(await login(stack.service, 'alice', 'alice-secret')).toMatchObject({ status: 200 });

    await stack.users.stop();

    // Within the TTL the cache answers for alice; bob was never verified, so only the
    // directory could, and it is gone.
    const cached = await login(stack.service, 'alice', 'alice-secret');
    expect(Date.now() - verifiedAt).toBeLessThan(CACHE_TTL_SECONDS * 1000);
    expect(cached).toMatchObject({ status: 200, body: { token: expect.any(String) } });
    expect(await login(stack.service, 'bob', 'bob-secret')).toEqual({
      status: 503,
      contentType: 'application/json; charset=utf-8',
      body: UNAVAILABLE,
    });
    // A wrong password is no cached login: it goes to the directory too.
    expect(await login(stack.service, 'alice', 'wrong')).toMatchObject({
      status: 503,
      body: UNAVAILABLE,
    });

    await sleep(verifiedAt + CACHE_TTL_SECONDS * 1000 + 200 - Date.now());
    expect(await login(stack.service, 'alice', 'alice-secret')).toEqual({
      status: 503,
      contentType: 'application/json; charset=utf-8',
      body: UNAVAILABLE,
    });

    // The same address again: the service's channel reconnects without a restart.
    stack.users = await FakeUsersService.start(stack.users.port);
    stack.users.add('alice', 'alice-secret').add('bob', 'bob-secret');
    await eventually(
      async () =>
        expect(await login(stack.service, 'bob', 'bob-secret')).toMatchObject({ status: 200 }),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(await login(stack.service, 'alice', 'alice-secret')).toMatchObject({ status: 200 });
  });
});
