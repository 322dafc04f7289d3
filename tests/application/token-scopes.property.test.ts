import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import bcrypt from 'bcryptjs';
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  hostileScopeParameters,
  MAX_SCOPES,
  oracleAcceptsScope,
  oracleAllows,
  scopeTokens,
  type Asker,
} from '../support/hostile-scopes.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../support/images-service.js';

/** The issue's 10,000 runs; one HTTP request each, over loopback with keep-alive. */
const RUNS = 10_000;
const SEED = 20_261_203;
const SERVICE = 'registry.docker.com';

/** The accounts of the htpasswd file and what the configuration below makes of them. */
const ACCOUNTS: Record<string, { readonly password: string; readonly asker: Asker }> = {
  alice: { password: 'alice-secret', asker: { kind: 'user', username: 'alice' } },
  root: { password: 'root-secret', asker: { kind: 'admin', username: 'root' } },
  // In ADMIN_USERS too: PULL_ALL_ACCOUNTS wins.
  sched: { password: 'sched-secret', asker: { kind: 'pull-all', username: 'sched' } },
};

type Credentials =
  | { readonly kind: 'none' }
  | { readonly kind: 'right' | 'wrong'; readonly username: string }
  | { readonly kind: 'unreadable'; readonly header: string };

interface TokenRequest {
  readonly method: 'GET' | 'POST';
  readonly scopes: string[];
  readonly credentials: Credentials;
  readonly service: string | undefined;
  readonly account: 'none' | 'same' | 'other';
}

const tokenRequest: fc.Arbitrary<TokenRequest> = fc.record({
  method: fc.constantFrom('GET', 'POST'),
  scopes: hostileScopeParameters,
  credentials: fc.oneof(
    { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('right' as const),
        username: fc.constantFrom(...Object.keys(ACCOUNTS)),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('wrong' as const),
        username: fc.constantFrom('alice', 'mallory'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('unreadable' as const),
        header: fc.constantFrom('Bearer abc', 'Basic', `Basic ${btoa('no-colon')}`, 'Basic ***'),
      }),
    },
  ),
  service: fc.oneof(
    { weight: 8, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.constant(SERVICE) },
    { weight: 1, arbitrary: fc.constantFrom('evil.example', 'registry.docker.com ', 'REGISTRY') },
  ),
  account: fc.constantFrom('none', 'none', 'none', 'same', 'other'),
});

/** What the documented checks, in their documented order, make of a request. */
function expectedOutcome(request: TokenRequest): { status: number; code?: string } {
  const { credentials, method } = request;
  // POST has no anonymous form: without credentials it names no user and no password.
  if (method === 'POST' && credentials.kind !== 'right' && credentials.kind !== 'wrong') {
    return { status: 400, code: 'MISSING_PARAMETER' };
  }
  if (credentials.kind === 'unreadable') return { status: 401, code: 'UNAUTHORIZED' };
  if (request.service !== undefined && request.service !== SERVICE) {
    return { status: 400, code: 'UNKNOWN_SERVICE' };
  }
  const tokens = scopeTokens(request.scopes);
  if (tokens.length > MAX_SCOPES || !tokens.every(oracleAcceptsScope)) {
    return { status: 400, code: 'INVALID_SCOPE' };
  }
  if (credentials.kind === 'none') return { status: 200 };
  if (method === 'GET' && request.account === 'other') {
    return { status: 400, code: 'ACCOUNT_MISMATCH' };
  }
  return credentials.kind === 'wrong' ? { status: 401, code: 'UNAUTHORIZED' } : { status: 200 };
}

function send(base: string, request: TokenRequest): Promise<Response> {
  const { credentials } = request;
  const username =
    credentials.kind === 'right' || credentials.kind === 'wrong' ? credentials.username : '';
  const password =
    credentials.kind === 'right' ? (ACCOUNTS[username]?.password ?? '') : 'not-the-password';
  const parameters = new URLSearchParams();
  if (request.service !== undefined) parameters.append('service', request.service);

  if (request.method === 'POST') {
    parameters.append('grant_type', 'password');
    if (username !== '') {
      parameters.append('username', username);
      parameters.append('password', password);
    }
    // oauth.md sends one space-separated scope.
    if (request.scopes.length > 0) parameters.append('scope', request.scopes.join(' '));
    return fetch(`${base}/auth`, { method: 'POST', body: parameters });
  }

  for (const scope of request.scopes) parameters.append('scope', scope);
  if (request.account !== 'none' && username !== '') {
    parameters.append('account', request.account === 'same' ? username : 'someone-else');
  }
  const authorization =
    credentials.kind === 'unreadable'
      ? credentials.header
      : username === ''
        ? undefined
        : `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  return fetch(`${base}/auth?${parameters.toString()}`, {
    headers: authorization === undefined ? {} : { authorization },
  });
}

interface AccessEntry {
  readonly type: string;
  readonly class?: string;
  readonly name: string;
  readonly actions: readonly string[];
}

/** Each granted entry was asked for, and the owner-namespace rules allow each of its actions. */
function expectGrantWithinAskedAndAllowed(request: TokenRequest, access: readonly AccessEntry[]) {
  const { credentials } = request;
  const asker: Asker =
    credentials.kind === 'right'
      ? (ACCOUNTS[credentials.username]?.asker as Asker)
      : { kind: 'anonymous' };
  const asked = scopeTokens(request.scopes).map((token) => {
    const [first, last] = [token.indexOf(':'), token.lastIndexOf(':')];
    return {
      resource: token.slice(0, first).replace(/\)$/, '').replace('(', ':'),
      name: token.slice(first + 1, last),
      actions: token.slice(last + 1).split(','),
    };
  });

  for (const entry of access) {
    const resource = entry.class === undefined ? entry.type : `${entry.type}:${entry.class}`;
    const requests = asked.filter(
      (scope) => scope.resource === resource && scope.name === entry.name,
    );
    const allowed = oracleAllows(asker, entry, (name) => name.startsWith('public/'));
    expect(requests.length, `granted ${resource} ${entry.name} was never asked`).toBeGreaterThan(0);
    expect(entry.actions.length).toBeGreaterThan(0);
    for (const action of entry.actions) {
      expect(allowed.has(action), `${action} on ${entry.name} for ${asker.kind}`).toBe(true);
      const askedFor = requests.some(
        (scope) => scope.actions.includes(action) || scope.actions.includes('*'),
      );
      expect(askedFor, `${action} on ${entry.name} was never asked`).toBe(true);
    }
  }
}

describe('property: scope strings through GET and POST /auth', () => {
  let directory: string;
  let stack: ServiceUnderTest;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'token-scopes-'));
    const usersFile = join(directory, 'users.htpasswd');
    const lines = await Promise.all(
      Object.entries(ACCOUNTS).map(
        async ([name, { password }]) => `${name}:${await bcrypt.hash(password, 4)}`,
      ),
    );
    await writeFile(usersFile, `${lines.join('\n')}\n`);
    stack = await startServiceUnderTest({
      LOG_LEVEL: 'warn',
      REGISTRY_URL: 'http://127.0.0.1:9',
      USERS_FILE: usersFile,
      ADMIN_USERS: 'root,sched',
      PULL_ALL_ACCOUNTS: 'sched',
      ANONYMOUS_PULL: 'public',
      // Wrong passwords are part of the mix: the failed-login limit is not under test here.
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '10000',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '10000',
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('answers only 200, 400 or 401 in JSON, quoting bad scopes and granting within what was asked and allowed', async () => {
    const seen: Record<number, number> = {};

    await fc.assert(
      fc.asyncProperty(tokenRequest, async (request) => {
        const response = await send(stack.httpUrl, request);
        const body = (await response.json()) as Record<string, unknown>;
        const expected = expectedOutcome(request);

        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        expect(response.status).toBe(expected.status);
        seen[response.status] = (seen[response.status] ?? 0) + 1;

        if (response.status !== 200) {
          expect(body).toEqual({ errors: [{ code: expected.code, message: expect.any(String) }] });
          const message = (body['errors'] as { message: string }[])[0]?.message ?? '';
          if (expected.code === 'INVALID_SCOPE') {
            const tokens = scopeTokens(request.scopes);
            const bad =
              tokens.length > MAX_SCOPES
                ? tokens.join(' ')
                : tokens.find((token) => !oracleAcceptsScope(token));
            expect(message.startsWith(`scope "${bad}" `), message).toBe(true);
          }
          return;
        }

        const access = decodeJwt(body['token'] as string)['access'] as AccessEntry[];
        expectGrantWithinAskedAndAllowed(request, access);
        if (request.method === 'POST') {
          const listed = access.map(
            (entry) =>
              `${entry.class === undefined ? entry.type : `${entry.type}(${entry.class})`}:${entry.name}:${entry.actions.join(',')}`,
          );
          expect(body['scope']).toBe(listed.join(' '));
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );

    expect(seen[200]).toBeGreaterThan(RUNS / 4);
    expect(seen[400]).toBeGreaterThan(RUNS / 10);
    expect(seen[401]).toBeGreaterThan(RUNS / 50);
    expect(stack.logs.lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});
