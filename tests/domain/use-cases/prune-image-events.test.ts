import { describe, expect, it } from 'vitest';

import { tagPushed } from '../../../src/domain/events/image-event.js';
import { PruneImageEvents } from '../../../src/domain/use-cases/prune-image-events/prune-image-events.use-case.js';
import { tagPush } from '../../support/tag-push.js';
import { InMemoryImageEventLog } from '../fakes/in-memory-image-event-log.js';

const HOUR = 3600 * 1000;
const NOW = new Date('2026-06-02T00:00:00Z');

describe('PruneImageEvents', () => {
  it('forgets the events logged longer ago than the retention, and keeps the newest always', async () => {
    const log = new InMemoryImageEventLog();
    const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * HOUR);
    await log.append([tagPushed(tagPush('alice/app', 'v1'), undefined)], at(30));
    await log.append([tagPushed(tagPush('alice/app', 'v2'), undefined)], at(2));
    const prune = new PruneImageEvents(log, { now: () => NOW }, 24 * HOUR);

    expect(await prune.execute()).toEqual({ ok: true, value: 1 });
    expect(await log.bounds()).toEqual({ oldest: 2, newest: 2 });

    const later = new PruneImageEvents(log, { now: () => at(-100) }, 24 * HOUR);
    expect(await later.execute()).toEqual({ ok: true, value: 0 });
    expect(await log.bounds()).toEqual({ oldest: 2, newest: 2 });
  });
});
