import fc from 'fast-check';

/**
 * The scope grammar of the distribution token spec (docs/spec/auth/scope.md), written here from
 * the spec rather than taken from src/, so that the property tests judge the service with an
 * oracle of their own. This service adds `*` as an action and bounds names to 255 characters
 * and a request to 64 scopes.
 */
const TYPE_VALUE = '[a-z0-9]+';
const RESOURCE_TYPE = `${TYPE_VALUE}(?:\\(${TYPE_VALUE}\\))?`;
const HOST_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOSTNAME = `${HOST_COMPONENT}(?:\\.${HOST_COMPONENT})*(?::[0-9]+)?`;
const COMPONENT = '[a-z0-9]+(?:(?:[_.]|__|[-]+)[a-z0-9]+)*';
const RESOURCE_NAME = `(?:${HOSTNAME}/)?${COMPONENT}(?:/${COMPONENT})*`;
const ACTION = '(?:[a-z]*|\\*)';
const SCOPE = new RegExp(`^${RESOURCE_TYPE}:(${RESOURCE_NAME}):${ACTION}(?:,${ACTION})*$`);

const MAX_NAME_LENGTH = 255;
export const MAX_SCOPES = 64;

/** The scopes of `scope` parameters: each may hold several, separated by spaces. */
export function scopeTokens(values: readonly string[]): string[] {
  return values.flatMap((value) => value.split(' ')).filter((token) => token !== '');
}

/** Whether the oracle takes one scope for well formed. */
export function oracleAcceptsScope(token: string): boolean {
  const match = SCOPE.exec(token);
  return match !== null && (match[1] as string).length <= MAX_NAME_LENGTH;
}

/** Whether the oracle takes a whole request's `scope` parameters for well formed. */
export function oracleAcceptsScopes(values: readonly string[]): boolean {
  const tokens = scopeTokens(values);
  return tokens.length <= MAX_SCOPES && tokens.every(oracleAcceptsScope);
}

/** Who asks, as the oracle of the owner-namespace rules sees them. */
export type Asker =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'user' | 'admin' | 'pull-all'; readonly username: string };

/**
 * The actions the README's policy allows `asker` on one resource: pull, push and delete in
 * one's own namespace `<username>/…`; pull everywhere for admins and pull-all accounts (which get
 * nothing else); the catalog for admins; pull of what anonymous users may pull for everyone.
 */
export function oracleAllows(
  asker: Asker,
  resource: { readonly type: string; readonly name: string },
  anonymousMayPull: (name: string) => boolean,
): ReadonlySet<string> {
  if (resource.type === 'registry') {
    return new Set(resource.name === 'catalog' && asker.kind === 'admin' ? ['*'] : []);
  }
  if (resource.type !== 'repository') return new Set();

  const path = resource.name.split('/');
  const ownNamespace =
    asker.kind === 'user' || asker.kind === 'admin'
      ? path.length >= 2 && path[0] === asker.username
      : false;
  if (ownNamespace) return new Set(['pull', 'push', 'delete']);
  if (asker.kind === 'admin' || asker.kind === 'pull-all') return new Set(['pull']);
  return new Set(anonymousMayPull(resource.name) ? ['pull'] : []);
}

const namespace = fc.constantFrom('alice', 'bob', 'root', 'sched', 'public', 'nobody');
const component = fc.stringMatching(/^[a-z0-9]{1,5}(?:[._-][a-z0-9]{1,4})?$/);

const resourceName = fc.oneof(
  fc
    .tuple(namespace, fc.array(component, { minLength: 1, maxLength: 3 }))
    .map(([owner, path]) => [owner, ...path].join('/')),
  // A lone component: a name of no namespace, such as the catalog.
  fc.oneof(fc.constant('catalog'), component),
  // A registry host in front: such a name belongs to nobody's namespace.
  fc
    .tuple(fc.constantFrom('localhost:5000', 'registry.example.com', 'a-b.c:1'), namespace)
    .map(([host, owner]) => `${host}/${owner}/app`),
);

const resourceType = fc.constantFrom(
  'repository',
  'registry',
  'repository(plugin)',
  'repository(image)',
  'plugin',
);
const action = fc.constantFrom('pull', 'push', 'delete', '*', '', 'catalog', 'admin');

/** Scopes the grammar accepts, with every action, type and namespace the policy tells apart. */
const wellFormedScope = fc
  .tuple(resourceType, resourceName, fc.array(action, { minLength: 1, maxLength: 4 }))
  .map(([type, name, actions]) => `${type}:${name}:${actions.join(',')}`);

/** Characters that break scopes: separators of every level, case, controls, look-alikes. */
const awkward = fc.oneof(
  fc.constantFrom(':', ',', '/', '(', ')', '*', ' ', '@', '\\', '%', '"', 'A', 'Z'),
  fc.constantFrom('\u0000', '\t', '\n', '\u007f', '\u200b', '\u0430', '\u{1f600}'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

const mutatedScope = fc
  .tuple(wellFormedScope, fc.nat(), fc.constantFrom('insert', 'replace', 'cut'), awkward)
  .map(([scope, position, kind, text]) => {
    const at = position % (scope.length + 1);
    if (kind === 'cut') return scope.slice(0, at);
    return scope.slice(0, at) + text + scope.slice(kind === 'replace' ? at + 1 : at);
  });

const longScope = fc
  .integer({ min: 240, max: 270 })
  .map((length) => `repository:alice/${'a'.repeat(length - 6)}:pull`);

/** One scope string, well formed or not. */
export const hostileScope: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: wellFormedScope },
  { weight: 4, arbitrary: mutatedScope },
  { weight: 1, arbitrary: longScope },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

/** A request's `scope` parameters: absent, repeated, or several scopes in one, up to past 64. */
export const hostileScopeParameters: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 8, arbitrary: fc.array(hostileScope, { maxLength: 3 }) },
  {
    weight: 2,
    arbitrary: fc
      .array(hostileScope, { minLength: 1, maxLength: 5 })
      .map((scopes) => [scopes.join(' ')]),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 60, max: 70 })
      .map((count) => [Array.from({ length: count }, () => 'repository:alice/app:pull').join(' ')]),
  },
);
