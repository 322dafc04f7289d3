import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { basic, startTokenEndpoint, USERS, type TokenEndpoint } from './token-endpoint-fixture.js';

let endpoint: TokenEndpoint;

beforeAll(async () => {
  endpoint = await startTokenEndpoint();
});

afterAll(async () => {
  await endpoint.close();
});

/** Either the grant, as `type:name:actions` entries of the token's `access`, or the 400 text. */
type Expected = { readonly grant: readonly string[] } | { readonly refused: string };

/**
 * What alice gets for each `scope` value (a list stands for the parameter repeated), by the
 * grammar of distribution's scope.md and the owner-namespace policy: the intersection of what
 * was asked and what alice may do, or 400 INVALID_SCOPE quoting the bad scope.
 */
const SCOPES: readonly (readonly [string | readonly string[], Expected])[] = [
  // Her own namespace: everything she asks for, at any depth.
  ['repository:alice/app:pull', { grant: ['repository:alice/app:pull'] }],
  ['repository:alice/app:pull,push', { grant: ['repository:alice/app:pull,push'] }],
  // Actions come in the token in one order, whatever the order asked.
  ['repository:alice/app:push,pull', { grant: ['repository:alice/app:pull,push'] }],
  ['repository:alice/app:delete', { grant: ['repository:alice/app:delete'] }],
  ['repository:alice/app:*', { grant: ['repository:alice/app:pull,push,delete'] }],
  ['repository:alice/tools/cli:pull,push', { grant: ['repository:alice/tools/cli:pull,push'] }],
  ['repository(image):alice/app:pull', { grant: ['repository(image):alice/app:pull'] }],
  ['repository:alice/a.b_c__d-e:pull', { grant: ['repository:alice/a.b_c__d-e:pull'] }],
  // Others' namespaces, other types and unknown actions are dropped, never an error.
  ['repository:bob/app:pull', { grant: [] }],
  ['repository:bob/app:*', { grant: [] }],
  ['repository:alice:pull', { grant: [] }],
  ['repository:alice/app:', { grant: [] }],
  ['repository:alice/app:tag', { grant: [] }],
  ['repository:alice/app:pull,tag', { grant: ['repository:alice/app:pull'] }],
  ['registry:catalog:*', { grant: [] }],
  ['plugin:alice/app:pull', { grant: [] }],
  // A host:port prefix names another registry's repository: the type and actions still parse.
  ['repository:localhost:5000/alice/app:pull', { grant: [] }],
  ['repository:registry.fog.example/alice/app:pull', { grant: [] }],
  // Empty, repeated, space-separated and merged scopes.
  ['', { grant: [] }],
  [['', ''], { grant: [] }],
  [
    ['repository:alice/app:pull', 'repository:alice/app:push'],
    { grant: ['repository:alice/app:pull,push'] },
  ],
  [
    'repository:alice/app:pull repository:alice/web:push',
    { grant: ['repository:alice/app:pull', 'repository:alice/web:push'] },
  ],
  ['repository:alice/app:pull  repository:bob/app:pull', { grant: ['repository:alice/app:pull'] }],
  ['repository:alice/app:pull,pull', { grant: ['repository:alice/app:pull'] }],
  // Malformed: 400, quoting the scope.
  ['repository', { refused: 'scope "repository" must be type:name:actions' }],
  ['repository:alice/app', { refused: 'scope "repository:alice/app" must be type:name:actions' }],
  [
    'Repository:alice/app:pull',
    { refused: 'scope "Repository:alice/app:pull" has a malformed resource type "Repository"' },
  ],
  [
    'repository(Image):alice/app:pull',
    {
      refused:
        'scope "repository(Image):alice/app:pull" has a malformed resource type "repository(Image)"',
    },
  ],
  // The reference grammar reads a first component with capitals as a registry host.
  ['repository:Alice/app:pull', { grant: [] }],
  [
    'repository:alice/App:pull',
    { refused: 'scope "repository:alice/App:pull" has a malformed resource name "alice/App"' },
  ],
  ['repository::pull', { refused: 'scope "repository::pull" has a malformed resource name ""' }],
  [
    'repository:alice//app:pull',
    { refused: 'scope "repository:alice//app:pull" has a malformed resource name "alice//app"' },
  ],
  [
    'repository:alice/app:PULL',
    { refused: 'scope "repository:alice/app:PULL" has a malformed action "PULL"' },
  ],
  [
    'repository:alice/app:pull;push',
    { refused: 'scope "repository:alice/app:pull;push" has a malformed action "pull;push"' },
  ],
  [
    ['repository:alice/app:pull', 'repository:alice/app'],
    { refused: 'scope "repository:alice/app" must be type:name:actions' },
  ],
  [
    `repository:alice/${'a'.repeat(250)}:pull`,
    {
      refused: `scope "repository:alice/${'a'.repeat(250)}:pull" has a malformed resource name`,
    },
  ],
];

async function askAsAlice(scope: string | readonly string[]) {
  const query = new URLSearchParams({ service: 'registry.docker.com' });
  for (const value of typeof scope === 'string' ? [scope] : scope) query.append('scope', value);
  const response = await fetch(`${endpoint.url}/auth?${query}`, {
    headers: { authorization: basic('alice', USERS.alice) },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function granted(token: unknown): string[] {
  const access = decodeJwt(token as string)['access'] as {
    type: string;
    class?: string;
    name: string;
    actions: string[];
  }[];
  return access.map(
    (entry) =>
      `${entry.type}${entry.class === undefined ? '' : `(${entry.class})`}:` +
      `${entry.name}:${entry.actions.join(',')}`,
  );
}

describe('the scope table, asked by alice through GET /auth', () => {
  it('holds at least 30 scope strings', () => {
    expect(SCOPES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(SCOPES.map(([scope, expected]) => [JSON.stringify(scope), scope, expected] as const))(
    'answers scope %s as the table says',
    async (_shown, scope, expected) => {
      const answer = await askAsAlice(scope);

      if ('grant' in expected) {
        expect(answer.status).toBe(200);
        expect(granted(answer.body['token'])).toEqual(expected.grant);
      } else {
        expect(answer.status).toBe(400);
        const [error] = answer.body['errors'] as { code: string; message: string }[];
        expect(error?.code).toBe('INVALID_SCOPE');
        expect(error?.message).toContain(expected.refused);
      }
    },
  );
});
