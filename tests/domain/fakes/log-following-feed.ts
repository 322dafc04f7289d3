import { setTimeout as sleep } from 'node:timers/promises';

import type { ImageEvent } from '../../../src/domain/events/image-event.js';
import type { ImageEventFeed } from '../../../src/domain/ports/image-event-feed.port.js';
import type { InMemoryImageEventLog } from './in-memory-image-event-log.js';

/** An ImageEventFeed over the in-memory log: it checks the log every few milliseconds. */
export class LogFollowingFeed implements ImageEventFeed {
  /** The cursor each follow started after, for tests of where a watch begins. */
  readonly startedAfter: number[] = [];

  constructor(private readonly log: InMemoryImageEventLog) {}

  async *follow(cursor: number, signal: AbortSignal): AsyncGenerator<ImageEvent> {
    this.startedAfter.push(cursor);
    let last = cursor;
    while (!signal.aborted) {
      for (const event of await this.log.readAfter(last, 100)) {
        yield event;
        last = event.cursor;
      }
      await sleep(2);
    }
  }
}
