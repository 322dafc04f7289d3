import { beforeEach, describe, expect, it } from 'vitest';

import { ListImages } from '../../../src/domain/use-cases/list-images/list-images.use-case.js';
import { tagPush } from '../../support/tag-push.js';
import { InMemoryImageCatalog } from '../fakes/in-memory-image-catalog.js';

describe('ListImages', () => {
  let catalog: InMemoryImageCatalog;
  let listImages: ListImages;

  beforeEach(async () => {
    catalog = new InMemoryImageCatalog();
    listImages = new ListImages(catalog);
    for (const name of ['bob/web', 'alice/app', 'alice/tools/cli']) {
      await catalog.recordTagPush(tagPush(name, 'latest'));
    }
  });

  it('groups every repository by owner when no owner is given', async () => {
    const result = await listImages.execute({ owner: '' });

    expect(
      result.ok &&
        result.value.map((group) => [group.owner, group.repositories.map((r) => r.name)]),
    ).toEqual([
      ['alice', ['alice/app', 'alice/tools/cli']],
      ['bob', ['bob/web']],
    ]);
  });

  it('returns only the named owner, nested repositories included', async () => {
    const result = await listImages.execute({ owner: 'alice' });

    expect(result.ok && result.value).toHaveLength(1);
    expect(result.ok && result.value[0]?.repositories.map((r) => r.name)).toEqual([
      'alice/app',
      'alice/tools/cli',
    ]);
  });

  it('fails with USER_HAS_NO_IMAGES naming an owner who has none', async () => {
    const result = await listImages.execute({ owner: 'carol' });

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'USER_HAS_NO_IMAGES', fields: { owner: 'carol' } },
    });
    expect(!result.ok && result.error.message).toBe('user "carol" has no images');
  });

  it('fails with USER_HAS_NO_IMAGES when the whole catalog is empty', async () => {
    const result = await new ListImages(new InMemoryImageCatalog()).execute({});

    expect(!result.ok && [result.error.code, result.error.message]).toEqual([
      'USER_HAS_NO_IMAGES',
      'the catalog holds no images',
    ]);
  });

  it('lets a storage failure propagate as unexpected', async () => {
    catalog.failure = new Error('connection refused');

    await expect(listImages.execute({ owner: 'alice' })).rejects.toThrow('connection refused');
  });
});
