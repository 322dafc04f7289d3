import { invalidScope, type AuthError } from './auth-error.js';
import { failure, success, type Result } from '../shared/result.js';

/** One `type[(class)]:name:actions` entry: what a client asks for, or what a token grants. */
export interface ResourceScope {
  /** `repository` or `registry` for this service; other types parse but are never granted. */
  readonly type: string;
  /** `image` or `plugin` for repositories; absent when the scope names none. */
  readonly resourceClass?: string;
  readonly name: string;
  /** Distinct, in the order first asked for; `*` stands for every action. */
  readonly actions: readonly string[];
}

/** Every action this service knows on a repository, in the order tokens list them. */
export const REPOSITORY_ACTIONS = ['pull', 'push', 'delete'] as const;

export const WILDCARD_ACTION = '*';

/** Longer names are refused by the registry too. */
const MAX_NAME_LENGTH = 255;
/** More than any registry operation needs; a bound on the work one request can cause. */
const MAX_SCOPES = 64;

const TYPE = /^([a-z0-9]+)(?:\(([a-z0-9]+)\))?$/;
const ACTION = /^(?:[a-z]*|\*)$/;
const HOST_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `${HOST_PART}(?:\\.${HOST_PART})*(?::[0-9]+)?`;
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const NAME = new RegExp(`^(?:${HOST}/)?${COMPONENT}(?:/${COMPONENT})*$`);

/**
 * Parses the `scope` parameters of a token request: each may hold several scopes separated by
 * spaces, and may be empty (as in `docker login`). Scopes on the same resource merge into one.
 * Fails with INVALID_SCOPE quoting the first scope that breaks the grammar of scope.md.
 */
export function parseScopes(values: readonly string[]): Result<ResourceScope[], AuthError> {
  const scopes = values.flatMap((value) => value.split(' ')).filter((value) => value !== '');
  if (scopes.length > MAX_SCOPES) {
    return failure(invalidScope(scopes.join(' '), `holds more than ${MAX_SCOPES} scopes`));
  }

  const parsed: ResourceScope[] = [];
  for (const value of scopes) {
    const scope = parseScope(value);
    if (!scope.ok) return scope;
    parsed.push(scope.value);
  }

  return success(mergeScopes(parsed));
}

/**
 * Parses one `type[(class)]:name:actions`. The name may carry a `host:port` prefix, so the type is
 * what precedes the first colon and the actions what follows the last.
 */
export function parseScope(value: string): Result<ResourceScope, AuthError> {
  const first = value.indexOf(':');
  const last = value.lastIndexOf(':');
  if (first === -1 || first === last) {
    return failure(invalidScope(value, 'must be type:name:actions'));
  }
  const [typePart, name, actionPart] = [
    value.slice(0, first),
    value.slice(first + 1, last),
    value.slice(last + 1),
  ];

  const type = TYPE.exec(typePart);
  if (type === null) {
    return failure(invalidScope(value, `has a malformed resource type "${typePart}"`));
  }

  if (name.length > MAX_NAME_LENGTH || !NAME.test(name)) {
    return failure(invalidScope(value, `has a malformed resource name "${name}"`));
  }

  const actions = actionPart.split(',');
  const badAction = actions.find((action) => !ACTION.test(action));
  if (badAction !== undefined) {
    return failure(invalidScope(value, `has a malformed action "${badAction}"`));
  }

  // The grammar allows empty actions; they ask for nothing.
  const asked = unique(actions.filter((action) => action !== ''));
  const resourceClass = type[2];
  return success({
    type: type[1] as string,
    ...(resourceClass === undefined ? {} : { resourceClass }),
    name,
    actions: asked,
  });
}

/** The scope as a client writes it, e.g. `repository:alice/app:pull,push`. */
export function formatScope(scope: ResourceScope): string {
  const type =
    scope.resourceClass === undefined ? scope.type : `${scope.type}(${scope.resourceClass})`;
  return `${type}:${scope.name}:${scope.actions.join(',')}`;
}

/** Joins scopes on the same type, class and name, keeping the first-seen order. */
export function mergeScopes(scopes: readonly ResourceScope[]): ResourceScope[] {
  const merged = new Map<string, ResourceScope>();

  for (const scope of scopes) {
    const key = `${scope.type}(${scope.resourceClass ?? ''}):${scope.name}`;
    const known = merged.get(key);
    merged.set(
      key,
      known === undefined
        ? scope
        : { ...known, actions: unique([...known.actions, ...scope.actions]) },
    );
  }

  return [...merged.values()];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
