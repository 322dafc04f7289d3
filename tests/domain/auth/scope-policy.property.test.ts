import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  AccessPolicy,
  type AnonymousPull,
  type Requester,
} from '../../../src/domain/auth/access-policy.js';
import { parseScopes, type ResourceScope } from '../../../src/domain/auth/resource-scope.js';
import {
  hostileScopeParameters,
  MAX_SCOPES,
  oracleAcceptsScope,
  oracleAcceptsScopes,
  oracleAllows,
  scopeTokens,
  type Asker,
} from '../../support/hostile-scopes.js';

/** Pure functions run fast: twice the 10,000, under a fixed seed. */
const RUNS = 20_000;
const SEED = 20_261_203;

/** Each kind of requester the policy tells apart, and how the oracle sees it. */
const REQUESTERS: readonly { readonly requester: Requester; readonly asker: Asker }[] = [
  { requester: { kind: 'anonymous' }, asker: { kind: 'anonymous' } },
  {
    requester: { kind: 'account', account: { username: 'alice', admin: false } },
    asker: { kind: 'user', username: 'alice' },
  },
  // An admin by the Users Service's flag, and one by ADMIN_USERS.
  {
    requester: { kind: 'account', account: { username: 'root', admin: true } },
    asker: { kind: 'admin', username: 'root' },
  },
  {
    requester: { kind: 'account', account: { username: 'bob', admin: false } },
    asker: { kind: 'admin', username: 'bob' },
  },
  // PULL_ALL wins over the admin flag.
  {
    requester: { kind: 'account', account: { username: 'sched', admin: true } },
    asker: { kind: 'pull-all', username: 'sched' },
  },
];

const ANONYMOUS_RULES: readonly AnonymousPull[] = [
  { kind: 'none' },
  { kind: 'all' },
  { kind: 'namespaces', namespaces: ['public'] },
];

function anonymousMayPull(rule: AnonymousPull) {
  return (name: string) =>
    rule.kind === 'all' ||
    (rule.kind === 'namespaces' &&
      name.includes('/') &&
      rule.namespaces.includes(name.split('/')[0] as string));
}

const key = (scope: { type: string; resourceClass?: string; name: string }) =>
  `${scope.type}(${scope.resourceClass ?? ''}):${scope.name}`;

describe('property: scope strings through the domain policy', () => {
  it('parses a scope list exactly when the grammar of scope.md accepts it, quoting the bad scope otherwise', () => {
    fc.assert(
      fc.property(hostileScopeParameters, (values) => {
        const parsed = parseScopes(values);

        expect(parsed.ok).toBe(oracleAcceptsScopes(values));
        if (parsed.ok) return;
        const tokens = scopeTokens(values);
        expect(parsed.error.code).toBe('INVALID_SCOPE');
        if (tokens.length > MAX_SCOPES) {
          expect(parsed.error.message).toBe(
            `scope "${tokens.join(' ')}" holds more than ${MAX_SCOPES} scopes`,
          );
        } else {
          // The first bad scope, quoted whole.
          const bad = tokens.find((token) => !oracleAcceptsScope(token));
          expect(parsed.error.message.startsWith(`scope "${bad}" `)).toBe(true);
          expect(parsed.error.fields.value).toBe(bad);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('grants a subset of what was asked and of what the owner-namespace rules allow, and all of it in one’s own namespace', () => {
    const cases = fc.record({
      values: hostileScopeParameters,
      who: fc.constantFrom(...REQUESTERS),
      anonymous: fc.constantFrom(...ANONYMOUS_RULES),
    });

    fc.assert(
      fc.property(cases, ({ values, who, anonymous }) => {
        const parsed = parseScopes(values);
        fc.pre(parsed.ok);
        const requested = (parsed as { value: ResourceScope[] }).value;
        const policy = new AccessPolicy({
          adminUsers: ['bob'],
          pullAllAccounts: ['sched'],
          anonymousPull: anonymous,
        });

        const granted = policy.grant(who.requester, requested);

        const asked = new Map(requested.map((scope) => [key(scope), scope]));
        expect(new Set(granted.map(key)).size).toBe(granted.length);
        for (const scope of granted) {
          const request = asked.get(key(scope));
          const allowed = oracleAllows(who.asker, scope, anonymousMayPull(anonymous));
          expect(request, `granted ${key(scope)} was never asked`).toBeDefined();
          expect(scope.actions.length).toBeGreaterThan(0);
          for (const action of scope.actions) {
            expect(allowed.has(action), `${action} on ${scope.name}`).toBe(true);
            if (!request?.actions.includes('*')) expect(request?.actions).toContain(action);
          }
        }

        // Liveness: a plain user gets every known action asked for in their own namespace.
        if (who.asker.kind !== 'user') return;
        for (const scope of requested) {
          const own =
            scope.type === 'repository' && scope.name.startsWith(`${who.asker.username}/`);
          const wanted = scope.actions.filter((action) =>
            ['pull', 'push', 'delete'].includes(action),
          );
          if (!own || wanted.length === 0) continue;
          expect(granted.find((entry) => key(entry) === key(scope))?.actions).toEqual(
            expect.arrayContaining(wanted),
          );
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
