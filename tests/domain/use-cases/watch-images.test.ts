import { beforeEach, describe, expect, it } from 'vitest';

import { tagPushed, type ImageEvent } from '../../../src/domain/events/image-event.js';
import { WatchImages } from '../../../src/domain/use-cases/watch-images/watch-images.use-case.js';
import { tagPush } from '../../support/tag-push.js';
import { InMemoryImageEventLog } from '../fakes/in-memory-image-event-log.js';
import { LogFollowingFeed } from '../fakes/log-following-feed.js';

const LOGGED_AT = new Date('2026-06-01T00:00:00Z');

describe('WatchImages', () => {
  let log: InMemoryImageEventLog;
  let feed: LogFollowingFeed;
  let watchImages: WatchImages;
  let watch: AbortController;

  const push = (repository: string, tag: string) =>
    log.append([tagPushed(tagPush(repository, tag), undefined)], LOGGED_AT);

  // Takes `count` events from a watch, then ends it.
  const take = async (events: AsyncIterable<ImageEvent>, count: number) => {
    const taken: string[] = [];
    for await (const event of events) {
      taken.push(`${event.cursor} ${event.repository}:${event.tag}`);
      if (taken.length === count) break;
    }
    return taken;
  };

  beforeEach(async () => {
    log = new InMemoryImageEventLog();
    feed = new LogFollowingFeed(log);
    watchImages = new WatchImages(log, feed);
    watch = new AbortController();
    await push('alice/app', 'v1');
    await push('bob/web', 'v1');
    await push('alice/app', 'v2');
  });

  it('resumes after the cursor given, with every later event in order', async () => {
    const result = await watchImages.execute({ cursor: '1', signal: watch.signal });

    expect(result.ok && (await take(result.value, 2))).toEqual(['2 bob/web:v1', '3 alice/app:v2']);
  });

  it('starts after the newest event without a cursor', async () => {
    const result = await watchImages.execute({ signal: watch.signal });
    await push('carol/db', 'v1');

    expect(result.ok && (await take(result.value, 1))).toEqual(['4 carol/db:v1']);
    expect(feed.startedAfter).toEqual([3]);
  });

  it('starts before the oldest event kept for cursor "0"', async () => {
    const result = await watchImages.execute({ cursor: '0', signal: watch.signal });

    expect(result.ok && (await take(result.value, 1))).toEqual(['1 alice/app:v1']);
  });

  it("passes only the named owner's events", async () => {
    const result = await watchImages.execute({ owner: 'alice', cursor: '0', signal: watch.signal });

    expect(result.ok && (await take(result.value, 2))).toEqual([
      '1 alice/app:v1',
      '3 alice/app:v2',
    ]);
  });

  it('accepts the cursor just before the oldest event kept: nothing was missed', async () => {
    await log.prune(new Date('2026-06-02T00:00:00Z'));
    await push('carol/db', 'v1');

    const result = await watchImages.execute({ cursor: '2', signal: watch.signal });

    expect(result.ok && (await take(result.value, 2))).toEqual(['3 alice/app:v2', '4 carol/db:v1']);
  });

  it('fails with CURSOR_OUT_OF_RANGE when events after the cursor were pruned', async () => {
    await log.prune(new Date('2026-06-02T00:00:00Z'));

    const result = await watchImages.execute({ cursor: '1', signal: watch.signal });

    expect(!result.ok && [result.error.code, result.error.message]).toEqual([
      'CURSOR_OUT_OF_RANGE',
      'cursor "1" is older than the oldest event kept (3): the events after it were pruned; ' +
        'list the catalog again and watch from a new cursor',
    ]);
  });

  it('fails with CURSOR_OUT_OF_RANGE for a cursor beyond the newest event', async () => {
    const result = await watchImages.execute({ cursor: '99', signal: watch.signal });

    expect(!result.ok && [result.error.code, result.error.message]).toEqual([
      'CURSOR_OUT_OF_RANGE',
      'cursor "99" is beyond the events of this service (the newest is 3); watch from a new cursor',
    ]);
  });

  it('fails with CURSOR_OUT_OF_RANGE for any cursor but "0" while nothing was logged', async () => {
    const empty = new InMemoryImageEventLog();
    const watcher = new WatchImages(empty, new LogFollowingFeed(empty));

    const result = await watcher.execute({ cursor: '1', signal: watch.signal });

    expect(!result.ok && result.error.message).toContain('no event was logged yet');
  });

  it.each(['-1', '01', '1.5', 'abc', ' 1', '99999999999999999', '1e3'])(
    'fails with INVALID_CURSOR for "%s", quoting it',
    async (cursor) => {
      const result = await watchImages.execute({ cursor, signal: watch.signal });

      expect(!result.ok && [result.error.code, result.error.value]).toEqual([
        'INVALID_CURSOR',
        cursor,
      ]);
      expect(!result.ok && result.error.message).toContain(`cursor "${cursor}"`);
    },
  );

  it.each(['Alice', 'alice/app', 'al ice', '-alice'])(
    'fails with INVALID_USERNAME for "%s", quoting it',
    async (owner) => {
      const result = await watchImages.execute({ owner, signal: watch.signal });

      expect(!result.ok && [result.error.code, result.error.message]).toEqual([
        'INVALID_USERNAME',
        `username "${owner}" is not a user's namespace; expected lowercase letters and digits ` +
          'separated by ".", "_", "__" or "-", or empty for everyone',
      ]);
    },
  );

  it('ends the iteration when the watch is aborted', async () => {
    const result = await watchImages.execute({ cursor: '3', signal: watch.signal });
    setTimeout(() => watch.abort(), 20);

    const seen: ImageEvent[] = [];
    if (result.ok) for await (const event of result.value) seen.push(event);

    expect(seen).toEqual([]);
  });
});
