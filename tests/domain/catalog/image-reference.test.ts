import { describe, expect, it } from 'vitest';

import { parseImageReference } from '../../../src/domain/catalog/image-reference.js';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('parseImageReference', () => {
  it.each([
    ['alice/app', { repository: 'alice/app', owner: 'alice' }],
    ['alice/app:v1', { repository: 'alice/app', owner: 'alice', tag: 'v1' }],
    ['alice/tools/cli:1.0', { repository: 'alice/tools/cli', owner: 'alice', tag: '1.0' }],
    ['a/b/c/d/e', { repository: 'a/b/c/d/e', owner: 'a' }],
    ['alice/my-app', { repository: 'alice/my-app', owner: 'alice' }],
    ['alice/my--app', { repository: 'alice/my--app', owner: 'alice' }],
    ['alice/my_app', { repository: 'alice/my_app', owner: 'alice' }],
    ['alice/my__app', { repository: 'alice/my__app', owner: 'alice' }],
    ['alice/my.app', { repository: 'alice/my.app', owner: 'alice' }],
    ['user-1/app2:V_2.0-rc', { repository: 'user-1/app2', owner: 'user-1', tag: 'V_2.0-rc' }],
    ['alice/app:_x', { repository: 'alice/app', owner: 'alice', tag: '_x' }],
    [
      `alice/app:${'t'.repeat(128)}`,
      { repository: 'alice/app', owner: 'alice', tag: 't'.repeat(128) },
    ],
    [`alice/app@${DIGEST}`, { repository: 'alice/app', owner: 'alice', digest: DIGEST }],
    [
      `alice/app:v1@${DIGEST}`,
      { repository: 'alice/app', owner: 'alice', tag: 'v1', digest: DIGEST },
    ],
    [`a/${'b'.repeat(253)}`, { repository: `a/${'b'.repeat(253)}`, owner: 'a' }],
  ])('accepts "%s"', (value, expected) => {
    expect(parseImageReference(value, { allowDigest: true })).toEqual({
      ok: true,
      value: expected,
    });
  });

  it.each([
    ['', 'image name is required'],
    ['alice', 'image name "alice" must have the form <username>/<imagename>'],
    ['alice:v1', 'image name "alice:v1" must have the form <username>/<imagename>'],
    ['Alice/app', 'path component "Alice"'],
    ['alice/App', 'path component "App"'],
    ['alice/', 'path component ""'],
    ['/app', 'path component ""'],
    ['alice//app', 'path component ""'],
    ['alice/app/', 'path component ""'],
    ['alice/-app', 'path component "-app"'],
    ['alice/app-', 'path component "app-"'],
    ['alice/.app', 'path component ".app"'],
    ['alice/app.', 'path component "app."'],
    ['alice/_app', 'path component "_app"'],
    ['alice/a___b', 'path component "a___b"'],
    ['alice/a..b', 'path component "a..b"'],
    ['alice/a._b', 'path component "a._b"'],
    ['alice/my app', 'path component "my app"'],
    [' alice/app', 'path component " alice"'],
    ['alice/app ', 'path component "app "'],
    ['alice/ap$p', 'path component "ap$p"'],
    ['alice/äpp', 'path component "äpp"'],
    ['alice\\app', 'must have the form'],
    ['localhost:5000/alice/app', 'has tag "5000/alice/app"'],
    ['alice/app:', 'has tag ""'],
    ['alice/app:-v1', 'has tag "-v1"'],
    ['alice/app:.v1', 'has tag ".v1"'],
    ['alice/app:v1:v2', 'has tag "v1:v2"'],
    ['alice/app:v 1', 'has tag "v 1"'],
    [`alice/app:${'t'.repeat(129)}`, `has tag "${'t'.repeat(129)}"`],
    ['alice/app@', 'has digest ""'],
    ['alice/app@sha256:abc', 'has digest "sha256:abc"'],
    [`alice/app@sha512:${'a'.repeat(64)}`, 'has digest "sha512:'],
    [`alice/app@sha256:${'A'.repeat(64)}`, 'has digest "sha256:AAAA'],
    [`alice/app@@${DIGEST}`, 'has digest "@sha256:'],
    [`a/${'b'.repeat(254)}`, 'is longer than 255 characters'],
  ])('rejects "%s" with a message naming the problem', (value, problem) => {
    const result = parseImageReference(value, { allowDigest: true });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_IMAGE_NAME');
    expect(result.error.fields.value).toBe(value);
    expect(result.error.message).toContain(problem);
    if (value !== '') expect(result.error.message).toContain(`image name "${value}"`);
  });

  it('rejects a digest where the caller does not allow one', () => {
    const result = parseImageReference(`alice/app@${DIGEST}`, { allowDigest: false });

    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_IMAGE_NAME' } });
    expect(!result.ok && result.error.message).toBe(
      `image name "alice/app@${DIGEST}" must not carry a digest`,
    );
  });
});
