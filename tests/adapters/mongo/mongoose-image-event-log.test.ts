import type { Connection } from 'mongoose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { tagPushed, type ImageChange } from '../../../src/domain/events/image-event.js';
import {
  EVENT_BLOCK_SIZE,
  ensureImageEventIndexes,
  imageEventModel,
} from '../../../src/adapters/mongo/image-event.schema.js';
import { connectMongo } from '../../../src/adapters/mongo/mongo-connection.js';
import { MongooseImageEventLog } from '../../../src/adapters/mongo/mongoose-image-event-log.js';
import { isolatedDatabaseUri } from '../../support/mongodb.js';
import { tagPush } from '../../support/tag-push.js';

const HOUR = 3600 * 1000;
const NOW = new Date('2026-06-02T00:00:00Z');

function change(repository: string, tag: string): ImageChange {
  return tagPushed(tagPush(repository, tag), undefined);
}

describe('MongooseImageEventLog', () => {
  let uri: string;
  const connections: Connection[] = [];

  const openLog = async () => {
    const connection = await connectMongo(uri, { serverSelectionTimeoutMs: 5000 });
    connections.push(connection);
    await ensureImageEventIndexes(connection);
    return new MongooseImageEventLog(imageEventModel(connection));
  };

  beforeEach(() => {
    uri = isolatedDatabaseUri('image_events');
  });

  afterEach(async () => {
    await connections[0]?.dropDatabase();
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
  });

  it('numbers events 1, 2, 3 in the order appended and reads them back after a cursor', async () => {
    const log = await openLog();

    await log.append([change('alice/app', 'v1'), change('bob/web', 'v1')], NOW);
    await log.append([change('alice/app', 'v2')], NOW);

    const events = await log.readAfter(1, 10);
    expect(events.map((event) => [event.cursor, event.repository, event.tag])).toEqual([
      [2, 'bob/web', 'v1'],
      [3, 'alice/app', 'v2'],
    ]);
    expect(events[0]).toEqual({ ...change('bob/web', 'v1'), cursor: 2 });
    expect(await log.readAfter(0, 2)).toHaveLength(2);
    expect(await log.bounds()).toEqual({ oldest: 1, newest: 3 });
  });

  it('has no bounds before anything was logged', async () => {
    const log = await openLog();

    expect(await log.bounds()).toBeUndefined();
    expect(await log.readAfter(0, 10)).toEqual([]);
  });

  it('logs a change once however often it is appended', async () => {
    const log = await openLog();

    await log.append([change('alice/app', 'v1')], NOW);
    await log.append([change('alice/app', 'v1'), change('alice/app', 'v2')], NOW);
    await log.append([change('alice/app', 'v1')], NOW);

    const events = await log.readAfter(0, 10);
    expect(events.map((event) => [event.cursor, event.tag])).toEqual([
      [1, 'v1'],
      [2, 'v2'],
    ]);
  });

  it('keeps cursors dense and unique when two replicas append at once', async () => {
    const replicaA = await openLog();
    const replicaB = await openLog();

    await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        (index % 2 === 0 ? replicaA : replicaB).append([change('alice/app', `t${index}`)], NOW),
      ),
    );

    const events = await replicaA.readAfter(0, 100);
    expect(events.map((event) => event.cursor)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(events.map((event) => event.tag)).size).toBe(10);
  });

  it('logs each change once, cursors dense, when racing batches repeat changes already logged', async () => {
    const replicaA = await openLog();
    const replicaB = await openLog();
    await replicaA.append([change('alice/app', 't0')], NOW);

    // Each append repeats one of six alice tags and adds a bob tag of its own.
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        (index % 2 === 0 ? replicaA : replicaB).append(
          [change('alice/app', `t${index % 6}`), change('bob/web', `w${index}`)],
          NOW,
        ),
      ),
    );

    const events = await replicaB.readAfter(0, 100);
    expect(events.map((event) => event.cursor)).toEqual(
      Array.from({ length: 18 }, (_, index) => index + 1),
    );
    expect(new Set(events.map((event) => `${event.repository}:${event.tag}`)).size).toBe(18);
  });

  it("numbers an append after the other replica's, however many it appended meanwhile", async () => {
    const replicaA = await openLog();
    const replicaB = await openLog();
    await replicaA.append([change('alice/app', 'a1')], NOW);
    await replicaB.append(
      Array.from({ length: 40 }, (_, index) => change('bob/web', `b${index}`)),
      NOW,
    );

    await replicaA.append([change('alice/app', 'a2')], NOW);

    expect((await replicaA.readAfter(40, 10)).map((event) => [event.cursor, event.tag])).toEqual([
      [41, 'b39'],
      [42, 'a2'],
    ]);
  });

  it('numbers an append right after the newest when its own last cursor was pruned', async () => {
    const replicaA = await openLog();
    const replicaB = await openLog();
    const old = new Date(NOW.getTime() - 48 * HOUR);
    await replicaA.append([change('alice/app', 'a1')], old);
    await replicaB.append([change('bob/web', 'b1'), change('bob/web', 'b2')], old);
    await replicaB.append([change('bob/web', 'b3')], NOW);
    await replicaB.prune(new Date(NOW.getTime() - HOUR));

    await replicaA.append([change('alice/app', 'a2')], NOW);

    expect((await replicaA.readAfter(0, 10)).map((event) => [event.cursor, event.tag])).toEqual([
      [4, 'b3'],
      [5, 'a2'],
    ]);
  });

  it('reads nothing after the newest event, and everything kept after a pruned cursor', async () => {
    const log = await openLog();
    await log.append([change('alice/app', 'v1')], new Date(NOW.getTime() - 48 * HOUR));
    await log.append([change('alice/app', 'v2')], NOW);
    await log.append([change('alice/app', 'v3')], NOW);
    await log.prune(new Date(NOW.getTime() - HOUR));

    expect(await log.readAfter(3, 10)).toEqual([]);
    expect((await log.readAfter(0, 10)).map((event) => event.cursor)).toEqual([2, 3]);
  });

  it('reads across blocks of cursors in order, up to the limit and to the end of the log', async () => {
    const log = await openLog();
    const count = 2 * EVENT_BLOCK_SIZE + 88;
    await log.append(
      Array.from({ length: count }, (_, index) => change('alice/app', `v${index + 1}`)),
      NOW,
    );
    const cursors = async (after: number, limit: number) =>
      (await log.readAfter(after, limit)).map((event) => event.cursor);
    const run = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, index) => from + index);

    expect(await cursors(250, 10)).toEqual(run(251, 260));
    expect(await cursors(250, 1000)).toEqual(run(251, count));
    expect(await cursors(EVENT_BLOCK_SIZE - 1, EVENT_BLOCK_SIZE)).toEqual(
      run(EVENT_BLOCK_SIZE, 2 * EVENT_BLOCK_SIZE - 1),
    );
    expect(await cursors(2 * EVENT_BLOCK_SIZE - 2, 1)).toEqual([2 * EVENT_BLOCK_SIZE - 1]);
    expect(await cursors(count - 1, 10)).toEqual([count]);
    expect(await cursors(count, 10)).toEqual([]);
  });

  it('reads the log to its end at a block boundary, and on where a later append continues', async () => {
    const log = await openLog();
    await log.append(
      Array.from({ length: EVENT_BLOCK_SIZE }, (_, index) => change('alice/app', `v${index}`)),
      NOW,
    );

    // Cursors 1 to 256: the last one opens block 1, which holds nothing more yet.
    expect((await log.readAfter(EVENT_BLOCK_SIZE - 2, 10)).map((event) => event.cursor)).toEqual([
      EVENT_BLOCK_SIZE - 1,
      EVENT_BLOCK_SIZE,
    ]);
    await log.append([change('bob/web', 'v1')], NOW);
    expect(await log.readAfter(EVENT_BLOCK_SIZE, 10)).toEqual([
      { ...change('bob/web', 'v1'), cursor: EVENT_BLOCK_SIZE + 1 },
    ]);
  });

  it('reads events logged before blocks existed, before and among newer ones', async () => {
    const connection = await connectMongo(uri, { serverSelectionTimeoutMs: 5000 });
    connections.push(connection);
    await ensureImageEventIndexes(connection);
    const older = [change('alice/app', 'v1'), change('alice/app', 'v2')];
    await imageEventModel(connection).collection.insertMany(
      older.map((logged, index) => ({ _id: index + 1, ...logged, loggedAt: NOW })) as never[],
    );
    const log = new MongooseImageEventLog(imageEventModel(connection));
    await log.append([change('alice/app', 'v3')], NOW);

    expect((await log.readAfter(0, 10)).map((event) => [event.cursor, event.tag])).toEqual([
      [1, 'v1'],
      [2, 'v2'],
      [3, 'v3'],
    ]);
    expect((await log.readAfter(1, 10)).map((event) => event.cursor)).toEqual([2, 3]);
    expect((await log.readAfter(2, 10)).map((event) => event.cursor)).toEqual([3]);
  });

  it('prunes the events logged before a time, oldest first, never the newest', async () => {
    const log = await openLog();
    const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * HOUR);
    await log.append([change('alice/app', 'v1')], hoursAgo(30));
    await log.append([change('alice/app', 'v2')], hoursAgo(28));
    await log.append([change('alice/app', 'v3')], hoursAgo(1));

    expect(await log.prune(hoursAgo(24))).toBe(2);
    expect(await log.bounds()).toEqual({ oldest: 3, newest: 3 });

    expect(await log.prune(NOW)).toBe(0);
    await log.append([change('alice/app', 'v4')], NOW);
    expect(await log.bounds()).toEqual({ oldest: 3, newest: 4 });
  });
});
