import type { ImageChange, ImageEvent } from '../../../src/domain/events/image-event.js';
import type {
  ImageEventLog,
  ImageEventLogBounds,
} from '../../../src/domain/ports/image-event-log.port.js';

/** The ImageEventLog contract in memory, for use-case tests; the real one runs on MongoDB. */
export class InMemoryImageEventLog implements ImageEventLog {
  private events: (ImageEvent & { loggedAt: Date })[] = [];
  private lastCursor = 0;

  /** Set to make every append reject, as a storage outage would. */
  appendFailure: Error | undefined;

  /** Every event kept, oldest first. */
  get logged(): readonly ImageEvent[] {
    return this.events.map(({ loggedAt: _, ...event }) => event);
  }

  async append(changes: readonly ImageChange[], loggedAt: Date): Promise<void> {
    if (this.appendFailure !== undefined) throw this.appendFailure;

    for (const change of changes) {
      if (this.events.some((event) => event.key === change.key)) continue;
      this.lastCursor += 1;
      this.events.push({ ...change, cursor: this.lastCursor, loggedAt });
    }
  }

  async readAfter(cursor: number, limit: number): Promise<ImageEvent[]> {
    return this.logged.filter((event) => event.cursor > cursor).slice(0, limit);
  }

  async bounds(): Promise<ImageEventLogBounds | undefined> {
    const oldest = this.events[0];
    if (oldest === undefined) return undefined;
    return { oldest: oldest.cursor, newest: this.lastCursor };
  }

  async prune(before: Date): Promise<number> {
    const newest = this.events.at(-1);
    const old = this.events.filter((event) => event !== newest && event.loggedAt < before);
    const last = old.at(-1)?.cursor ?? 0;

    const kept = this.events.filter((event) => event.cursor > last);
    const pruned = this.events.length - kept.length;
    this.events = kept;
    return pruned;
  }
}
