import { REPOSITORY_ACTIONS, WILDCARD_ACTION, type ResourceScope } from './resource-scope.js';

/** An authenticated account, as the credential store describes it. */
export interface Account {
  readonly username: string;
  /** The store's own admin flag (FogCore's Users Service); ADMIN_USERS adds more admins. */
  readonly admin: boolean;
}

/** Who asks: an account, or nobody (`sub` is then empty). */
export type Requester =
  { readonly kind: 'anonymous' } | { readonly kind: 'account'; readonly account: Account };

export const ANONYMOUS: Requester = { kind: 'anonymous' };

/** What clients without credentials may pull: nothing, some namespaces, or everything. */
export type AnonymousPull =
  | { readonly kind: 'none' }
  | { readonly kind: 'namespaces'; readonly namespaces: readonly string[] }
  | { readonly kind: 'all' };

export interface AccessRules {
  /** Accounts that may pull everything and list the catalog, whatever their store says. */
  readonly adminUsers: readonly string[];
  /** Accounts that may pull everything and do nothing else, such as FogCore's scheduler. */
  readonly pullAllAccounts: readonly string[];
  readonly anonymousPull: AnonymousPull;
}

/** The only `registry` resource this service grants, and to admins only. */
const CATALOG = 'catalog';

/**
 * Decides what a requester may do, as the intersection of what was asked and what is allowed.
 *
 * - An account may pull, push and delete in its own namespace `<username>/…`, at any depth.
 * - Admins may also pull every repository and get `registry:catalog:*`.
 * - PULL_ALL accounts may pull every repository and nothing more, not even in their namespace:
 *   the rule is for service accounts, and it wins over the admin flag.
 * - Everyone, anonymous or not, may pull what anonymous users may.
 * - `*` expands to the allowed subset; anything else (other types, names, actions) is dropped.
 */
export class AccessPolicy {
  private readonly admins: ReadonlySet<string>;
  private readonly pullAll: ReadonlySet<string>;

  constructor(private readonly rules: AccessRules) {
    this.admins = new Set(rules.adminUsers);
    this.pullAll = new Set(rules.pullAllAccounts);
  }

  /** The granted part of `requested`, without entries left with no action. */
  grant(requester: Requester, requested: readonly ResourceScope[]): ResourceScope[] {
    return requested.flatMap((scope) => {
      const allowed = this.allowedActions(requester, scope);
      const granted = scope.actions.includes(WILDCARD_ACTION)
        ? allowed
        : allowed.filter((action) => scope.actions.includes(action));
      return granted.length === 0 ? [] : [{ ...scope, actions: granted }];
    });
  }

  /** Every action the requester may take on the resource, in the order tokens list them. */
  allowedActions(requester: Requester, scope: ResourceScope): readonly string[] {
    if (scope.type === 'registry') {
      return scope.name === CATALOG && this.isAdmin(requester) ? [WILDCARD_ACTION] : [];
    }
    if (scope.type !== 'repository') return [];

    if (requester.kind === 'account') {
      const { username } = requester.account;
      if (this.pullAll.has(username)) return ['pull'];
      if (namespaceOf(scope.name) === username) return REPOSITORY_ACTIONS;
      if (this.isAdmin(requester)) return ['pull'];
    }

    return this.anonymousMayPull(scope.name) ? ['pull'] : [];
  }

  private isAdmin(requester: Requester): boolean {
    if (requester.kind === 'anonymous') return false;
    const { username, admin } = requester.account;
    return !this.pullAll.has(username) && (admin || this.admins.has(username));
  }

  private anonymousMayPull(name: string): boolean {
    const rule = this.rules.anonymousPull;
    if (rule.kind === 'all') return true;
    if (rule.kind === 'none') return false;
    const namespace = namespaceOf(name);
    return namespace !== undefined && rule.namespaces.includes(namespace);
  }
}

/** The first path component of a name with at least two; `alice` alone is no namespace's. */
function namespaceOf(name: string): string | undefined {
  const slash = name.indexOf('/');
  return slash === -1 ? undefined : name.slice(0, slash);
}
