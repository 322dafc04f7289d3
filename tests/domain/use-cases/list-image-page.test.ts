import { beforeEach, describe, expect, it } from 'vitest';

import { encodePageToken } from '../../../src/domain/catalog/page-token.js';
import { ListImagePage } from '../../../src/domain/use-cases/list-image-page/list-image-page.use-case.js';
import { tagPush } from '../../support/tag-push.js';
import { InMemoryImageCatalog } from '../fakes/in-memory-image-catalog.js';

const NAMES = ['alice/app', 'alice/tools/cli', 'bob/api', 'bob/web', 'carol/db'];

describe('ListImagePage', () => {
  let catalog: InMemoryImageCatalog;
  let listPage: ListImagePage;

  // Walks every page and returns the names of each page in turn.
  const walk = async (owner: string, pageSize: number) => {
    const pages: string[][] = [];
    let pageToken = '';
    do {
      const result = await listPage.execute({ owner, pageSize, pageToken });
      if (!result.ok) throw result.error;
      pages.push(result.value.groups.flatMap((group) => group.repositories.map((r) => r.name)));
      pageToken = result.value.nextPageToken ?? '';
    } while (pageToken !== '');
    return pages;
  };

  beforeEach(async () => {
    catalog = new InMemoryImageCatalog();
    listPage = new ListImagePage(catalog);
    for (const name of NAMES) await catalog.recordTagPush(tagPush(name, 'latest'));
  });

  it("walks everyone's repositories in name order, two per page, the last page without a token", async () => {
    expect(await walk('', 2)).toEqual([
      ['alice/app', 'alice/tools/cli'],
      ['bob/api', 'bob/web'],
      ['carol/db'],
    ]);
  });

  it("walks one owner's repositories only", async () => {
    expect(await walk('bob', 1)).toEqual([['bob/api'], ['bob/web']]);
  });

  it('ends without a token when the last page is exactly full', async () => {
    const result = await listPage.execute({ owner: 'bob', pageSize: 2 });

    expect(result.ok && result.value.nextPageToken).toBeUndefined();
  });

  it('groups one page by owner', async () => {
    const result = await listPage.execute({ pageSize: 3 });

    expect(
      result.ok && result.value.groups.map((g) => [g.owner, g.repositories.map((r) => r.name)]),
    ).toEqual([
      ['alice', ['alice/app', 'alice/tools/cli']],
      ['bob', ['bob/api']],
    ]);
  });

  it('returns each repository once although one is deleted and one created mid-walk', async () => {
    const first = await listPage.execute({ pageSize: 2 });
    const token = first.ok ? (first.value.nextPageToken ?? '') : '';
    await catalog.remove('alice/app', new Date('2030-01-01T00:00:00Z'));
    await catalog.recordTagPush(tagPush('aaron/new', 'latest'));

    const second = await listPage.execute({ pageSize: 2, pageToken: token });

    expect(
      second.ok && second.value.groups.flatMap((g) => g.repositories.map((r) => r.name)),
    ).toEqual(['bob/api', 'bob/web']);
  });

  it('takes 100 per page when only a token is given', async () => {
    const token = encodePageToken({ after: 'alice/app', owner: '' });

    const result = await listPage.execute({ pageToken: token });

    expect(result.ok && result.value.groups.flatMap((g) => g.repositories)).toHaveLength(4);
  });

  it('fails with USER_HAS_NO_IMAGES for a first page of an owner without images', async () => {
    const result = await listPage.execute({ owner: 'dave', pageSize: 10 });

    expect(!result.ok && [result.error.code, result.error.message]).toEqual([
      'USER_HAS_NO_IMAGES',
      'user "dave" has no images',
    ]);
  });

  it('answers an empty last page when everything after the token went meanwhile', async () => {
    const token = encodePageToken({ after: 'carol/db', owner: '' });

    const result = await listPage.execute({ pageToken: token, pageSize: 5 });

    expect(result).toEqual({ ok: true, value: { groups: [] } });
  });

  it.each([
    [-1, 'page size -1 is out of range; expected 1 to 1000'],
    [1001, 'page size 1001 is out of range; expected 1 to 1000'],
    [2 ** 31 - 1, 'page size 2147483647 is out of range; expected 1 to 1000'],
  ])('fails with INVALID_PAGE_SIZE for %d, naming it', async (pageSize, message) => {
    const result = await listPage.execute({ pageSize });

    expect(!result.ok && [result.error.code, result.error.message, result.error.fields]).toEqual([
      'INVALID_PAGE_SIZE',
      message,
      { value: String(pageSize) },
    ]);
  });

  it.each([
    ['not base64url', 'abc$def', 'page token "abc$def" is not a page token of this service'],
    ['not JSON', 'bm90IGpzb24', 'page token "bm90IGpzb24" is not a page token of this service'],
    [
      'JSON of another shape',
      Buffer.from('{"after":"x"}').toString('base64url'),
      `page token "${Buffer.from('{"after":"x"}').toString('base64url')}" is not a page token of this service`,
    ],
    [
      'issued for everyone, used for bob',
      encodePageToken({ after: 'alice/app', owner: '' }),
      `page token "${encodePageToken({ after: 'alice/app', owner: '' })}" was issued for everyone's images, not for this request's`,
    ],
  ])('fails with INVALID_PAGE_TOKEN for a token %s, quoting it', async (_case, token, message) => {
    const owner = message.includes('everyone') ? 'bob' : '';

    const result = await listPage.execute({ owner, pageToken: token });

    expect(!result.ok && [result.error.code, result.error.message]).toEqual([
      'INVALID_PAGE_TOKEN',
      message,
    ]);
  });

  it("fails with INVALID_PAGE_TOKEN for bob's token used for everyone's walk", async () => {
    const token = encodePageToken({ after: 'bob/api', owner: 'bob' });

    const result = await listPage.execute({ pageToken: token });

    expect(!result.ok && result.error.message).toBe(
      `page token "${token}" was issued for user "bob", not for this request's`,
    );
  });

  it('quotes only the start of a very long token', async () => {
    const result = await listPage.execute({ pageToken: 'A'.repeat(5000) });

    expect(!result.ok && result.error.message).toBe(
      `page token "${'A'.repeat(80)}…" is not a page token of this service`,
    );
  });
});
