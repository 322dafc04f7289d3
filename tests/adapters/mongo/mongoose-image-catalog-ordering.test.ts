import type { Connection } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { connectMongo } from '../../../src/adapters/mongo/mongo-connection.js';
import { MongooseImageCatalog } from '../../../src/adapters/mongo/mongoose-image-catalog.js';
import {
  ensureRepositoryIndexes,
  repositoryModel,
} from '../../../src/adapters/mongo/repository.schema.js';
import { digestOf, imageCatalogContract } from '../../support/image-catalog-contract.js';
import { isolatedDatabaseUri } from '../../support/mongodb.js';
import { tagPush } from '../../support/tag-push.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);

describe('MongooseImageCatalog ordering and deletions', () => {
  let connection: Connection;
  let catalog: MongooseImageCatalog;

  beforeAll(async () => {
    connection = await connectMongo(isolatedDatabaseUri('catalog_order'), {
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

  // Fewer random orders than the fake gets: each one is a dozen round trips to the server.
  imageCatalogContract(() => catalog, 15);

  it('loses no pull when many pulls of one tag race', async () => {
    await catalog.recordTagPush(tagPush('alice/app', 'v1'));

    const pulls = Array.from({ length: 40 }, (_, index) =>
      catalog.recordPull({ repository: 'alice/app', tag: 'v1', pulledAt: at(index) }),
    );
    await Promise.all(pulls);

    expect((await catalog.find('alice/app'))?.tags[0]).toMatchObject({
      pulls: 40,
      lastPulledAt: at(39),
    });
  });

  it('ends as in sequence when pushes and deletions of one repository race', async () => {
    const tags = Array.from({ length: 12 }, (_, index) => `t${index}`);
    await Promise.all(
      tags.map((tag) => catalog.recordTagPush(tagPush('alice/race', tag, { pushedAt: at(1) }))),
    );

    await Promise.all([
      ...tags.slice(0, 6).map((tag) => catalog.removeTag('alice/race', tag, at(2))),
      ...tags
        .slice(6)
        .map((tag) =>
          catalog.recordTagPush(
            tagPush('alice/race', tag, { pushedAt: at(3), digest: digestOf('b') }),
          ),
        ),
      catalog.removeDigest('alice/race', digestOf('b'), at(2.5)),
    ]);

    const stored = await catalog.find('alice/race');
    expect(stored?.tags.map((tag) => [tag.name, tag.digest])).toEqual(
      tags
        .slice(6)
        .map((tag) => [tag, digestOf('b')])
        .sort(),
    );
  });

  it('applies pushes and deletions to a document stored before deletions were kept', async () => {
    await repositoryModel(connection).collection.insertOne({
      _id: 'alice/legacy' as never,
      owner: 'alice',
      tags: { v1: { name: 'v1', digest: digestOf('a'), mediaType: 'x', size: 1, pushedAt: at(1) } },
      updated: at(1),
    });

    expect(
      await catalog.recordTagPush(
        tagPush('alice/legacy', 'v2', { pushedAt: at(2), digest: digestOf('b') }),
      ),
    ).toEqual({ applied: true });
    expect(await catalog.removeDigest('alice/legacy', digestOf('a'), at(3))).toBe(true);

    expect((await catalog.find('alice/legacy'))?.tags.map((tag) => tag.name)).toEqual(['v2']);
  });

  it('deletes the documents that only remembered deletions once those are pruned', async () => {
    await catalog.removeTag('alice/gone', 'v1', at(1));
    await catalog.recordManifestPush({ ...tagPush('alice/kept', 'x'), pushedAt: at(1) });

    await catalog.pruneDeletions(at(10));

    expect(await repositoryModel(connection).find({}, { _id: 1 }).lean()).toEqual([
      { _id: 'alice/kept' },
    ]);
  });
});
