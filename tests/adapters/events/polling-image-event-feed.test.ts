import type { Connection } from 'mongoose';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { PollingImageEventFeed } from '../../../src/adapters/events/polling-image-event-feed.js';
import {
  ensureImageEventIndexes,
  imageEventModel,
} from '../../../src/adapters/mongo/image-event.schema.js';
import { connectMongo } from '../../../src/adapters/mongo/mongo-connection.js';
import { MongooseImageEventLog } from '../../../src/adapters/mongo/mongoose-image-event-log.js';
import { tagPushed, type ImageEvent } from '../../../src/domain/events/image-event.js';
import { ImageEventFeedStoppedError } from '../../../src/domain/ports/image-event-feed.port.js';
import { isolatedDatabaseUri } from '../../support/mongodb.js';
import { tagPush } from '../../support/tag-push.js';

const POLL_MS = 50;

/** The real log, counting the reads that look for new events, as the poller issues them. */
class CountingLog extends MongooseImageEventLog {
  reads = 0;

  override async readAfter(cursor: number, limit: number): Promise<ImageEvent[]> {
    this.reads += 1;
    return super.readAfter(cursor, limit);
  }
}

describe('PollingImageEventFeed on FerretDB', () => {
  let connection: Connection;
  let log: CountingLog;
  let feed: PollingImageEventFeed;

  const append = (tag: string) =>
    log.append([tagPushed(tagPush('alice/app', tag), undefined)], new Date());

  // Collects `count` events from a follow, then aborts it.
  const collect = async (cursor: number, count: number, watch = new AbortController()) => {
    const tags: string[] = [];
    for await (const event of feed.follow(cursor, watch.signal)) {
      tags.push(`${event.cursor}:${event.tag}`);
      if (tags.length === count) watch.abort();
    }
    return tags;
  };

  beforeEach(async () => {
    connection = await connectMongo(isolatedDatabaseUri('feed'), {
      serverSelectionTimeoutMs: 5000,
    });
    await ensureImageEventIndexes(connection);
    log = new CountingLog(imageEventModel(connection));
    feed = new PollingImageEventFeed(log, {
      pollIntervalMs: POLL_MS,
      recentLimit: 5,
      pageSize: 3,
      logger: pino({ level: 'silent' }),
    });
  });

  afterEach(async () => {
    await feed.stop();
    await connection.dropDatabase();
    await connection.close();
  });

  it('yields the events already logged after the cursor, then each new one', async () => {
    await append('v1');
    await append('v2');

    const watching = collect(1, 2);
    await append('v3');

    expect(await watching).toEqual(['2:v2', '3:v3']);
  });

  it('serves many watchers with one poller: reads grow with polls, not with watchers', async () => {
    await append('v0');
    const watches = Array.from({ length: 20 }, () => collect(1, 2));
    // Let every watcher reach the live edge and wait there.
    await new Promise((resolve) => setTimeout(resolve, 4 * POLL_MS));
    const readsBefore = log.reads;

    for (const tag of ['v1', 'v2']) await append(tag);
    const results = await Promise.all(watches);
    const polls = log.reads - readsBefore;

    expect(new Set(results.map((tags) => tags.join()))).toEqual(new Set(['2:v1,3:v2']));
    // Each poll reads once or twice (a full page asks again); 20 watchers alone would be 20+.
    expect(polls).toBeLessThan(20);
  });

  it('lets a watcher far behind the memory window read its backlog from the log', async () => {
    for (let index = 1; index <= 12; index += 1) await append(`v${index}`);
    // A watcher at the live edge makes the poller keep only the newest 5 in memory.
    const live = new AbortController();
    void collect(12, 1, live);
    await new Promise((resolve) => setTimeout(resolve, 3 * POLL_MS));

    const tags = await collect(0, 12);
    live.abort();

    expect(tags).toEqual(Array.from({ length: 12 }, (_, index) => `${index + 1}:v${index + 1}`));
  });

  it('ends every watch with ImageEventFeedStoppedError when the feed stops', async () => {
    const watching = collect(0, 100);
    await new Promise((resolve) => setTimeout(resolve, 2 * POLL_MS));

    await feed.stop();

    await expect(watching).rejects.toBeInstanceOf(ImageEventFeedStoppedError);
    await expect(collect(0, 1)).rejects.toBeInstanceOf(ImageEventFeedStoppedError);
  });

  it('stops polling once nobody watches', async () => {
    const watch = new AbortController();
    const watching = collect(0, 100, watch);
    await new Promise((resolve) => setTimeout(resolve, 2 * POLL_MS));
    watch.abort();
    await watching;
    await new Promise((resolve) => setTimeout(resolve, 2 * POLL_MS));
    const reads = log.reads;

    await new Promise((resolve) => setTimeout(resolve, 5 * POLL_MS));

    expect(log.reads).toBe(reads);
  });
});
