import { describe, expect, it } from 'vitest';

import {
  formatScope,
  parseScopes,
  type ResourceScope,
} from '../../../src/domain/auth/resource-scope.js';

const repo = (name: string, ...actions: string[]): ResourceScope => ({
  type: 'repository',
  name,
  actions,
});

describe('parseScopes', () => {
  // Each row: the `scope` values of one request, and the resources they ask for.
  it.each<[string, string[], ResourceScope[]]>([
    ['no scope at all, as docker login sends', [], []],
    ['an empty scope value', [''], []],
    ['a scope of spaces only', ['   '], []],
    ['one pull', ['repository:alice/app:pull'], [repo('alice/app', 'pull')]],
    ['pull and push', ['repository:alice/app:pull,push'], [repo('alice/app', 'pull', 'push')]],
    ['every action', ['repository:alice/app:*'], [repo('alice/app', '*')]],
    ['a nested name', ['repository:alice/tools/cli:pull'], [repo('alice/tools/cli', 'pull')]],
    [
      'a host:port prefix',
      ['repository:localhost:5000/alice/app:push'],
      [repo('localhost:5000/alice/app', 'push')],
    ],
    [
      'a dotted host with port',
      ['repository:reg.example.com:443/alice/app:pull'],
      [repo('reg.example.com:443/alice/app', 'pull')],
    ],
    [
      'a host without port',
      ['repository:reg.example.com/alice/app:pull'],
      [repo('reg.example.com/alice/app', 'pull')],
    ],
    [
      'separators in components',
      ['repository:alice/my-app_v2.x__y:pull'],
      [repo('alice/my-app_v2.x__y', 'pull')],
    ],
    ['a one-component name', ['repository:ubuntu:pull'], [repo('ubuntu', 'pull')]],
    [
      'the catalog',
      ['registry:catalog:*'],
      [{ type: 'registry', name: 'catalog', actions: ['*'] }],
    ],
    [
      'an image class',
      ['repository(image):alice/app:pull'],
      [{ type: 'repository', resourceClass: 'image', name: 'alice/app', actions: ['pull'] }],
    ],
    [
      'a plugin class',
      ['repository(plugin):alice/p:pull'],
      [{ type: 'repository', resourceClass: 'plugin', name: 'alice/p', actions: ['pull'] }],
    ],
    [
      'two scopes in one value',
      ['repository:alice/a:pull repository:alice/b:push'],
      [repo('alice/a', 'pull'), repo('alice/b', 'push')],
    ],
    [
      'double spaces between scopes',
      ['repository:alice/a:pull  repository:alice/b:push '],
      [repo('alice/a', 'pull'), repo('alice/b', 'push')],
    ],
    [
      'two values',
      ['repository:alice/a:pull', 'repository:alice/b:pull'],
      [repo('alice/a', 'pull'), repo('alice/b', 'pull')],
    ],
    [
      'the same scope twice',
      ['repository:alice/a:pull', 'repository:alice/a:pull'],
      [repo('alice/a', 'pull')],
    ],
    [
      'one resource over two values',
      ['repository:alice/a:pull', 'repository:alice/a:push,pull'],
      [repo('alice/a', 'pull', 'push')],
    ],
    ['a repeated action', ['repository:alice/a:pull,pull'], [repo('alice/a', 'pull')]],
    ['an empty action, which the grammar allows', ['repository:alice/a:'], [repo('alice/a')]],
    [
      'an empty action among others',
      ['repository:alice/a:pull,,push'],
      [repo('alice/a', 'pull', 'push')],
    ],
    [
      'an unknown type',
      ['namespace:alice:pull'],
      [{ type: 'namespace', name: 'alice', actions: ['pull'] }],
    ],
    ['an unknown action', ['repository:alice/a:fly'], [repo('alice/a', 'fly')]],
    [
      'classes kept apart',
      ['repository:alice/a:pull', 'repository(plugin):alice/a:pull'],
      [
        repo('alice/a', 'pull'),
        { type: 'repository', resourceClass: 'plugin', name: 'alice/a', actions: ['pull'] },
      ],
    ],
  ])('parses %s', (_case, values, expected) => {
    expect(parseScopes(values)).toEqual({ ok: true, value: expected });
  });

  // Each row: a malformed value, and the message naming it.
  it.each<[string, string]>([
    ['repository', 'scope "repository" must be type:name:actions'],
    ['repository:alice/app', 'scope "repository:alice/app" must be type:name:actions'],
    [':alice/app:pull', 'scope ":alice/app:pull" has a malformed resource type ""'],
    [
      'Repository:alice/app:pull',
      'scope "Repository:alice/app:pull" has a malformed resource type "Repository"',
    ],
    [
      'repository():alice/app:pull',
      'scope "repository():alice/app:pull" has a malformed resource type "repository()"',
    ],
    [
      'repository(image:alice/app:pull',
      'scope "repository(image:alice/app:pull" has a malformed resource type "repository(image"',
    ],
    ['repository::pull', 'scope "repository::pull" has a malformed resource name ""'],
    [
      'repository:Alice/App:pull',
      'scope "repository:Alice/App:pull" has a malformed resource name "Alice/App"',
    ],
    [
      'repository:alice//app:pull',
      'scope "repository:alice//app:pull" has a malformed resource name "alice//app"',
    ],
    [
      'repository:alice/app/:pull',
      'scope "repository:alice/app/:pull" has a malformed resource name "alice/app/"',
    ],
    [
      'repository:alice/-app:pull',
      'scope "repository:alice/-app:pull" has a malformed resource name "alice/-app"',
    ],
    [
      'repository:a:1:alice/app:pull',
      'scope "repository:a:1:alice/app:pull" has a malformed resource name "a:1:alice/app"',
    ],
    [
      'repository:localhost:port/alice/app:pull',
      'scope "repository:localhost:port/alice/app:pull" has a malformed resource name "localhost:port/alice/app"',
    ],
    [
      'repository:alice/app:PULL',
      'scope "repository:alice/app:PULL" has a malformed action "PULL"',
    ],
    [
      'repository:alice/app:pull;push',
      'scope "repository:alice/app:pull;push" has a malformed action "pull;push"',
    ],
    [
      'repository:alice/app:pull,**',
      'scope "repository:alice/app:pull,**" has a malformed action "**"',
    ],
    [
      'repository:alice/app:pu11',
      'scope "repository:alice/app:pu11" has a malformed action "pu11"',
    ],
    [
      'repository:alice/app:pull\tpush',
      'scope "repository:alice/app:pull\tpush" has a malformed action "pull\tpush"',
    ],
    [
      `repository:alice/${'a'.repeat(250)}:pull`,
      `scope "repository:alice/${'a'.repeat(250)}:pull" has a malformed resource name "alice/${'a'.repeat(250)}"`,
    ],
  ])('refuses "%s"', (value, message) => {
    const result = parseScopes([value]);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_SCOPE');
    expect(result.error.message).toBe(message);
    expect(result.error.fields.value).toBe(value);
  });

  it('reports the first malformed scope among valid ones', () => {
    const result = parseScopes(['repository:alice/a:pull repository:bad', 'repository:B:pull']);

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_SCOPE', message: 'scope "repository:bad" must be type:name:actions' },
    });
  });

  it('refuses more than 64 scopes in one request', () => {
    const many = Array.from({ length: 65 }, (_, index) => `repository:alice/a${index}:pull`);

    const result = parseScopes(many);

    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_SCOPE' } });
    if (!result.ok) expect(result.error.message).toMatch(/holds more than 64 scopes$/);
  });
});

describe('formatScope', () => {
  it.each<[ResourceScope, string]>([
    [repo('alice/app', 'pull', 'push'), 'repository:alice/app:pull,push'],
    [
      { type: 'repository', resourceClass: 'plugin', name: 'a/b', actions: ['pull'] },
      'repository(plugin):a/b:pull',
    ],
    [{ type: 'registry', name: 'catalog', actions: ['*'] }, 'registry:catalog:*'],
    [repo('localhost:5000/alice/app', 'pull'), 'repository:localhost:5000/alice/app:pull'],
  ])('writes %o as "%s"', (scope, expected) => {
    expect(formatScope(scope)).toBe(expected);
  });
});
