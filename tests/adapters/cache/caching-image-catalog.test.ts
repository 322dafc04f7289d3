import type { Connection } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  CachingImageCatalog,
  type CatalogCacheMetrics,
} from '../../../src/adapters/cache/caching-image-catalog.js';
import { connectMongo } from '../../../src/adapters/mongo/mongo-connection.js';
import { MongooseImageCatalog } from '../../../src/adapters/mongo/mongoose-image-catalog.js';
import {
  ensureRepositoryIndexes,
  repositoryModel,
} from '../../../src/adapters/mongo/repository.schema.js';
import type { TagPush, TagPushOutcome } from '../../../src/domain/ports/image-catalog.port.js';
import { imageCatalogContract } from '../../support/image-catalog-contract.js';
import { isolatedDatabaseUri } from '../../support/mongodb.js';
import { tagPush } from '../../support/tag-push.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);

class CountingMetrics implements CatalogCacheMetrics {
  readonly counts: Record<string, number> = {};
  hit(read: string): void {
    this.counts[`${read} hit`] = (this.counts[`${read} hit`] ?? 0) + 1;
  }
  miss(read: string): void {
    this.counts[`${read} miss`] = (this.counts[`${read} miss`] ?? 0) + 1;
  }
}

/** A catalog whose pushes apply but whose answers are lost, as when a connection drops. */
class LosingAnswersAfterWrites extends MongooseImageCatalog {
  override async recordTagPush(push: TagPush): Promise<TagPushOutcome> {
    await super.recordTagPush(push);
    throw new Error('connection lost after the write');
  }
}

/** Tags of a repository as a reader sees them: name and digest letter. */
const tagsOf = (repository: { tags: readonly { name: string; digest: string }[] } | undefined) =>
  repository?.tags.map((tag) => `${tag.name}@${tag.digest.slice(7, 8)}`);

describe('CachingImageCatalog in front of MongooseImageCatalog', () => {
  let connection: Connection;
  let stored: MongooseImageCatalog;
  let metrics: CountingMetrics;
  let catalog: CachingImageCatalog;
  /** Another replica's catalog on the same database, with a cache of its own. */
  let replica: CachingImageCatalog;

  beforeAll(async () => {
    connection = await connectMongo(isolatedDatabaseUri('catalog_cache'), {
      serverSelectionTimeoutMs: 5000,
    });
    await ensureRepositoryIndexes(connection);
    stored = new MongooseImageCatalog(repositoryModel(connection));
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  beforeEach(async () => {
    await repositoryModel(connection).deleteMany({});
    metrics = new CountingMetrics();
    catalog = new CachingImageCatalog(stored, { ttlMs: 60_000, maxEntries: 100 }, metrics);
    replica = new CachingImageCatalog(new MongooseImageCatalog(repositoryModel(connection)), {
      ttlMs: 60_000,
      maxEntries: 100,
    });
  });

  // The ordering rules hold through the cache: every write forgets what it may change.
  imageCatalogContract(() => catalog, 5);

  it('answers a repeated Find and List from memory', async () => {
    await catalog.recordTagPush(tagPush('alice/app', 'v1'));

    await catalog.find('alice/app');
    await catalog.find('alice/app');
    await catalog.list('alice');
    await catalog.list('alice');

    expect(metrics.counts).toEqual({
      'find miss': 1,
      'find hit': 1,
      'list miss': 1,
      'list hit': 1,
    });
  });

  it('shows its own writes at once: pushes, pulls, tag and repository deletions', async () => {
    await catalog.find('alice/app');
    await catalog.list('alice');
    await catalog.list();

    await catalog.recordTagPush(tagPush('alice/app', 'v1', { pushedAt: at(1) }));
    expect(tagsOf(await catalog.find('alice/app'))).toEqual(['v1@a']);
    expect((await catalog.list('alice')).map((entry) => entry.name)).toEqual(['alice/app']);
    expect((await catalog.list()).map((entry) => entry.name)).toEqual(['alice/app']);

    await catalog.recordPull({ repository: 'alice/app', tag: 'v1', pulledAt: at(2) });
    expect((await catalog.find('alice/app'))?.tags[0]?.pulls).toBe(1);

    await catalog.recordTagPush(tagPush('alice/app', 'v2', { pushedAt: at(3) }));
    await catalog.removeTag('alice/app', 'v1', at(4));
    expect(tagsOf(await catalog.find('alice/app'))).toEqual(['v2@a']);

    await catalog.remove('alice/app', at(5));
    expect(await catalog.find('alice/app')).toBeUndefined();
    expect(await catalog.list('alice')).toEqual([]);
  });

  it('forgets a repository when told that another replica changed it', async () => {
    await catalog.recordTagPush(tagPush('alice/app', 'v1', { pushedAt: at(1) }));
    expect(tagsOf(await catalog.find('alice/app'))).toEqual(['v1@a']);

    await replica.recordTagPush(
      tagPush('alice/app', 'v1', { pushedAt: at(2), digest: `sha256:${'b'.repeat(64)}` }),
    );
    const beforeForget = tagsOf(await catalog.find('alice/app'));
    catalog.forget('alice/app');

    expect(beforeForget).toEqual(['v1@a']);
    expect(tagsOf(await catalog.find('alice/app'))).toEqual(['v1@b']);
  });

  it('forgets an owner list and everyone list with a repository of that owner', async () => {
    await catalog.recordTagPush(tagPush('alice/app', 'v1'));
    await catalog.list('alice');
    await catalog.list();

    await replica.recordTagPush(tagPush('alice/tools/cli', '1.0'));
    catalog.forget('alice/tools/cli');

    expect((await catalog.list('alice')).map((entry) => entry.name)).toEqual([
      'alice/app',
      'alice/tools/cli',
    ]);
    expect((await catalog.list()).map((entry) => entry.name)).toEqual([
      'alice/app',
      'alice/tools/cli',
    ]);
  });

  it('reads every page of List from the database', async () => {
    await catalog.recordTagPush(tagPush('alice/app', 'v1'));
    const first = await catalog.listPage({ limit: 10 });

    await replica.recordTagPush(tagPush('bob/app', 'v1'));

    expect(first.map((entry) => entry.name)).toEqual(['alice/app']);
    expect((await catalog.listPage({ limit: 10 })).map((entry) => entry.name)).toEqual([
      'alice/app',
      'bob/app',
    ]);
  });

  it('forgets what it holds when a write fails, since the write may have applied', async () => {
    await catalog.recordTagPush(tagPush('alice/app', 'v1', { pushedAt: at(1) }));
    await catalog.find('alice/app');
    const failing = new CachingImageCatalog(
      new LosingAnswersAfterWrites(repositoryModel(connection)),
      { ttlMs: 60_000, maxEntries: 100 },
    );
    await failing.find('alice/app');

    const push = tagPush('alice/app', 'v2', { pushedAt: at(2) });
    await expect(failing.recordTagPush(push)).rejects.toThrow('connection lost after the write');

    expect(tagsOf(await failing.find('alice/app'))).toEqual(['v1@a', 'v2@a']);
  });
});
