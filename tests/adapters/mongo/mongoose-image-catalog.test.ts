import type { Connection } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { connectMongo } from '../../../src/adapters/mongo/mongo-connection.js';
import { MongooseImageCatalog } from '../../../src/adapters/mongo/mongoose-image-catalog.js';
import {
  ensureRepositoryIndexes,
  repositoryModel,
} from '../../../src/adapters/mongo/repository.schema.js';
import { tagPush } from '../../support/catalog-seed.js';
import { isolatedDatabaseUri } from '../../support/mongodb.js';

const OTHER_DIGEST = `sha256:${'b'.repeat(64)}`;

describe('MongooseImageCatalog', () => {
  let connection: Connection;
  let catalog: MongooseImageCatalog;

  beforeAll(async () => {
    connection = await connectMongo(isolatedDatabaseUri('catalog'), {
      serverSelectionTimeoutMs: 5000,
    });
    await ensureRepositoryIndexes(connection);
    catalog = new MongooseImageCatalog(repositoryModel(connection));
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  beforeEach(async () => {
    await repositoryModel(connection).deleteMany({});
  });

  it('creates the owner index at start-up, beside the unique _id that holds the name', async () => {
    const indexes = await repositoryModel(connection).collection.indexes();

    expect(indexes.map((index) => index.key)).toEqual(
      expect.arrayContaining([{ _id: 1 }, { owner: 1, _id: 1 }]),
    );
  });

  it('stores a pushed tag with its manifest and reads it back', async () => {
    const pushedAt = new Date('2026-05-06T07:08:09Z');

    expect(
      await catalog.recordTagPush(tagPush('alice/app', 'v1', { pushedAt, size: 999 })),
    ).toEqual({ applied: true });

    expect(await catalog.find('alice/app')).toEqual({
      name: 'alice/app',
      owner: 'alice',
      updated: pushedAt,
      tags: [
        {
          name: 'v1',
          digest: `sha256:${'a'.repeat(64)}`,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          size: 999,
          pushedAt,
          pulls: 0,
        },
      ],
    });
  });

  it('keeps tags whose names contain dots, which MongoDB paths would split', async () => {
    await catalog.recordTagPush(tagPush('alice/app', 'v1.2.3'));
    await catalog.recordTagPush(tagPush('alice/app', '__proto__'));

    const names = (await catalog.find('alice/app'))?.tags.map((tag) => tag.name);
    expect(names).toEqual(['__proto__', 'v1.2.3']);
    expect(await catalog.removeTag('alice/app', 'v1.2.3', new Date())).toBe(true);
    expect((await catalog.find('alice/app'))?.tags.map((tag) => tag.name)).toEqual(['__proto__']);
  });

  it('moves a tag to a newer push and ignores an older or repeated one, telling what it found', async () => {
    const early = new Date('2026-01-01T00:00:00Z');
    const late = new Date('2026-01-02T00:00:00Z');
    const first = tagPush('alice/app', 'latest', { pushedAt: early });
    await catalog.recordTagPush(first);

    expect(
      await catalog.recordTagPush(
        tagPush('alice/app', 'latest', { pushedAt: late, digest: OTHER_DIGEST }),
      ),
    ).toEqual({ applied: true, found: { digest: first.digest, pushedAt: early } });
    expect(await catalog.recordTagPush(first)).toEqual({
      applied: false,
      found: { digest: OTHER_DIGEST, pushedAt: late },
    });
    expect(
      await catalog.recordTagPush(
        tagPush('alice/app', 'latest', { pushedAt: late, digest: OTHER_DIGEST }),
      ),
    ).toEqual({ applied: false, found: { digest: OTHER_DIGEST, pushedAt: late } });

    const stored = await catalog.find('alice/app');
    expect(stored?.tags).toHaveLength(1);
    expect(stored?.tags[0]).toMatchObject({ digest: OTHER_DIGEST, pushedAt: late });
    expect(stored?.updated).toEqual(late);
  });

  it('loses no tag when many pushes to one new repository race', async () => {
    const tags = Array.from({ length: 20 }, (_, index) => `t${index}`);

    const applied = await Promise.all(
      tags.map((tag) => catalog.recordTagPush(tagPush('alice/race', tag))),
    );

    expect(applied.every((outcome) => outcome.applied)).toBe(true);
    expect((await catalog.find('alice/race'))?.tags.map((tag) => tag.name).sort()).toEqual(
      [...tags].sort(),
    );
  });

  it('lists one owner, or everyone, in name order with each owner together', async () => {
    for (const name of ['bob/zeta', 'alice/beta', 'alice-b/app', 'alice/alpha', 'bob/tools/cli']) {
      await catalog.recordTagPush(tagPush(name, 'latest'));
    }

    expect((await catalog.list('alice')).map((repository) => repository.name)).toEqual([
      'alice/alpha',
      'alice/beta',
    ]);
    expect((await catalog.list()).map((repository) => repository.name)).toEqual([
      'alice-b/app',
      'alice/alpha',
      'alice/beta',
      'bob/tools/cli',
      'bob/zeta',
    ]);
    expect(await catalog.list('nobody')).toEqual([]);
  });

  it('removes a tag as a change of the repository and the repository with its last tag', async () => {
    const pushedAt = new Date('2026-01-01T00:00:00Z');
    const removedAt = new Date('2026-02-01T00:00:00Z');
    await catalog.recordTagPush(tagPush('alice/app', 'v1', { pushedAt }));
    await catalog.recordTagPush(tagPush('alice/app', 'v2', { pushedAt }));

    expect(await catalog.removeTag('alice/app', 'v1', removedAt)).toBe(true);
    expect(await catalog.find('alice/app')).toMatchObject({
      updated: removedAt,
      tags: [{ name: 'v2' }],
    });
    expect(await catalog.removeTag('alice/app', 'v1', removedAt)).toBe(false);

    expect(await catalog.removeTag('alice/app', 'v2', removedAt)).toBe(true);
    expect(await catalog.find('alice/app')).toBeUndefined();
    // The document stays only to remember the deletions, with no tag a reader could see.
    expect(
      await repositoryModel(connection).countDocuments({ _id: 'alice/app', tags: { $ne: {} } }),
    ).toBe(0);
  });

  it('removes a whole repository once and reports a missing one', async () => {
    await catalog.recordTagPush(tagPush('alice/app', 'v1'));

    expect(await catalog.remove('alice/app', new Date())).toBe(true);
    expect(await catalog.remove('alice/app', new Date())).toBe(false);
    expect(await catalog.list('alice')).toEqual([]);
  });

  it('hides a repository whose tags were all removed by another writer', async () => {
    await repositoryModel(connection).collection.insertOne({
      _id: 'alice/empty' as never,
      owner: 'alice',
      tags: {},
      updated: new Date(),
    });

    expect(await catalog.find('alice/empty')).toBeUndefined();
    expect(await catalog.list('alice')).toEqual([]);
  });
});
