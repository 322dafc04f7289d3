import { beforeEach, describe, expect, it } from 'vitest';

import { FindImage } from '../../../src/domain/use-cases/find-image/find-image.use-case.js';
import { tagPush } from '../../support/tag-push.js';
import { InMemoryImageCatalog } from '../fakes/in-memory-image-catalog.js';

const V1_DIGEST = `sha256:${'1'.repeat(64)}`;

describe('FindImage', () => {
  let findImage: FindImage;

  beforeEach(async () => {
    const catalog = new InMemoryImageCatalog();
    findImage = new FindImage(catalog);
    await catalog.recordTagPush(tagPush('alice/app', 'latest'));
    await catalog.recordTagPush(tagPush('alice/app', 'v1', { digest: V1_DIGEST }));
    await catalog.recordTagPush(tagPush('alice/tools/cli', '1.0'));
  });

  it.each([
    ['alice/app', 'the default tag latest'],
    ['alice/app:v1', 'an explicit tag'],
    [`alice/app@${V1_DIGEST}`, 'a digest'],
    [`alice/app:nope@${V1_DIGEST}`, 'a digest, which wins over the tag beside it'],
    ['alice/tools/cli:1.0', 'a nested repository'],
  ])('finds "%s" by %s', async (reference) => {
    const result = await findImage.execute({ reference });

    expect(result.ok).toBe(true);
    expect(result.ok && result.value.name).toBe(reference.split(/[:@]/)[0]);
  });

  it('returns every tag of the repository it found', async () => {
    const result = await findImage.execute({ reference: 'alice/app:v1' });

    expect(result.ok && result.value.tags.map((tag) => tag.name)).toEqual(['latest', 'v1']);
  });

  it.each([
    ['alice/app:v3', 'v3'],
    ['alice/tools/cli', 'latest'],
    [`alice/app@sha256:${'f'.repeat(64)}`, `sha256:${'f'.repeat(64)}`],
  ])('fails with TAG_NOT_FOUND for "%s", naming %s', async (reference, missing) => {
    const result = await findImage.execute({ reference });

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'TAG_NOT_FOUND', fields: { reference: missing } },
    });
  });

  it('fails with IMAGE_NOT_FOUND for a repository the catalog lacks', async () => {
    const result = await findImage.execute({ reference: 'alice/other:v1' });

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'IMAGE_NOT_FOUND', fields: { repository: 'alice/other' } },
    });
  });

  it('fails with INVALID_IMAGE_NAME before reading the catalog', async () => {
    const result = await findImage.execute({ reference: 'Alice/App' });

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_IMAGE_NAME', fields: { value: 'Alice/App' } },
    });
  });
});
