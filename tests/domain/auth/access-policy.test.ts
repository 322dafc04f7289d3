import { describe, expect, it } from 'vitest';

import {
  ANONYMOUS,
  AccessPolicy,
  type AccessRules,
  type Requester,
} from '../../../src/domain/auth/access-policy.js';
import type { ResourceScope } from '../../../src/domain/auth/resource-scope.js';

const RULES: AccessRules = {
  adminUsers: ['root'],
  pullAllAccounts: ['scheduling_service'],
  anonymousPull: { kind: 'none' },
};

const user = (username: string, admin = false): Requester => ({
  kind: 'account',
  account: { username, admin },
});
const repo = (name: string, ...actions: string[]): ResourceScope => ({
  type: 'repository',
  name,
  actions,
});
const CATALOG: ResourceScope = { type: 'registry', name: 'catalog', actions: ['*'] };

function grant(requester: Requester, scope: ResourceScope, rules: AccessRules = RULES) {
  return new AccessPolicy(rules).grant(requester, [scope]);
}

describe('AccessPolicy', () => {
  describe('an account in its own namespace', () => {
    it.each([
      ['alice/app', ['pull'], ['pull']],
      ['alice/app', ['push'], ['push']],
      ['alice/app', ['delete'], ['delete']],
      ['alice/app', ['pull', 'push'], ['pull', 'push']],
      ['alice/app', ['push', 'pull'], ['pull', 'push']],
      ['alice/tools/cli', ['pull', 'push', 'delete'], ['pull', 'push', 'delete']],
      ['alice/a/b/c/d', ['push'], ['push']],
      ['alice/app', ['*'], ['pull', 'push', 'delete']],
      ['alice/app', ['pull', 'fly'], ['pull']],
    ])('on "%s" asking %j gets %j', (name, asked, expected) => {
      expect(grant(user('alice'), repo(name, ...asked))).toEqual([repo(name, ...expected)]);
    });

    it('keeps the class of a plugin repository', () => {
      const scope = { ...repo('alice/p', 'push'), resourceClass: 'plugin' };

      expect(grant(user('alice'), scope)).toEqual([scope]);
    });

    it('gets nothing for an unknown action alone', () => {
      expect(grant(user('alice'), repo('alice/app', 'fly'))).toEqual([]);
    });
  });

  describe('an account outside its namespace', () => {
    it.each([
      ['bob/app', ['pull', 'push']],
      ['bob/app', ['*']],
      ['alice', ['pull']],
      ['alice-x/app', ['push']],
      ['alicex/app', ['push']],
      ['xalice/app', ['push']],
      ['localhost:5000/alice/app', ['push']],
      ['library/alice', ['pull']],
    ])('gets nothing on "%s" asking %j', (name, asked) => {
      expect(grant(user('alice'), repo(name, ...asked))).toEqual([]);
    });

    it('gets no catalog listing', () => {
      expect(grant(user('alice'), CATALOG)).toEqual([]);
    });

    it('gets nothing on an unknown resource type', () => {
      expect(grant(user('alice'), { type: 'namespace', name: 'alice', actions: ['pull'] })).toEqual(
        [],
      );
    });
  });

  describe('admins', () => {
    it.each([
      ['the admin flag of the user directory', user('carol', true)],
      ['ADMIN_USERS', user('root')],
    ])('through %s pull anything and nothing more', (_how, admin) => {
      expect(grant(admin, repo('bob/app', 'pull', 'push', 'delete'))).toEqual([
        repo('bob/app', 'pull'),
      ]);
      expect(grant(admin, repo('bob/app', '*'))).toEqual([repo('bob/app', 'pull')]);
      expect(grant(admin, repo('ubuntu', 'pull'))).toEqual([repo('ubuntu', 'pull')]);
    });

    it('get the catalog listing', () => {
      expect(grant(user('root'), CATALOG)).toEqual([CATALOG]);
    });

    it('get no catalog listing for any action other than *', () => {
      expect(grant(user('root'), { ...CATALOG, actions: ['pull'] })).toEqual([]);
    });

    it('get nothing on other registry resources', () => {
      expect(grant(user('root'), { type: 'registry', name: 'gc', actions: ['*'] })).toEqual([]);
    });

    it('keep every right in their own namespace', () => {
      expect(grant(user('root'), repo('root/app', '*'))).toEqual([
        repo('root/app', 'pull', 'push', 'delete'),
      ]);
    });
  });

  describe('PULL_ALL accounts', () => {
    it('pull anything', () => {
      expect(grant(user('scheduling_service'), repo('bob/app', 'pull'))).toEqual([
        repo('bob/app', 'pull'),
      ]);
    });

    it('get pull only when asking every action', () => {
      expect(grant(user('scheduling_service'), repo('bob/app', '*'))).toEqual([
        repo('bob/app', 'pull'),
      ]);
    });

    it('cannot push even in their own namespace', () => {
      const scope = repo('scheduling_service/app', 'push', 'delete');

      expect(grant(user('scheduling_service'), scope)).toEqual([]);
    });

    it('get no catalog listing even with the admin flag', () => {
      expect(grant(user('scheduling_service', true), CATALOG)).toEqual([]);
      expect(grant(user('scheduling_service', true), repo('bob/app', 'push'))).toEqual([]);
    });
  });

  describe('anonymous requesters', () => {
    it('get nothing by default', () => {
      expect(grant(ANONYMOUS, repo('alice/app', 'pull'))).toEqual([]);
      expect(grant(ANONYMOUS, CATALOG)).toEqual([]);
    });

    it('pull from the public namespaces when some are named', () => {
      const rules: AccessRules = {
        ...RULES,
        anonymousPull: { kind: 'namespaces', namespaces: ['library', 'public'] },
      };

      expect(grant(ANONYMOUS, repo('library/ubuntu', 'pull', 'push'), rules)).toEqual([
        repo('library/ubuntu', 'pull'),
      ]);
      expect(grant(ANONYMOUS, repo('public/x/y', '*'), rules)).toEqual([
        repo('public/x/y', 'pull'),
      ]);
      expect(grant(ANONYMOUS, repo('alice/app', 'pull'), rules)).toEqual([]);
      expect(grant(ANONYMOUS, repo('library', 'pull'), rules)).toEqual([]);
    });

    it('pull everything and push nothing when all is public', () => {
      const rules: AccessRules = { ...RULES, anonymousPull: { kind: 'all' } };

      expect(grant(ANONYMOUS, repo('alice/app', 'pull', 'push', 'delete'), rules)).toEqual([
        repo('alice/app', 'pull'),
      ]);
      expect(grant(ANONYMOUS, CATALOG, rules)).toEqual([]);
    });

    it('leave accounts at least what anonymous users get', () => {
      const rules: AccessRules = {
        ...RULES,
        anonymousPull: { kind: 'namespaces', namespaces: ['library'] },
      };

      expect(grant(user('alice'), repo('library/ubuntu', 'pull', 'push'), rules)).toEqual([
        repo('library/ubuntu', 'pull'),
      ]);
    });
  });

  it('grants several resources at once and drops the refused ones', () => {
    const policy = new AccessPolicy(RULES);

    const granted = policy.grant(user('alice'), [
      repo('alice/app', 'pull', 'push'),
      repo('bob/app', 'pull'),
      CATALOG,
      repo('alice/other', '*'),
    ]);

    expect(granted).toEqual([
      repo('alice/app', 'pull', 'push'),
      repo('alice/other', 'pull', 'push', 'delete'),
    ]);
  });
});
