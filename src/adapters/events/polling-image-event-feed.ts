import type { Logger } from 'pino';

import type { ImageEvent } from '../../domain/events/image-event.js';
import {
  ImageEventFeedStoppedError,
  type ImageEventFeed,
} from '../../domain/ports/image-event-feed.port.js';
import type { ImageEventLog } from '../../domain/ports/image-event-log.port.js';

export interface PollingImageEventFeedOptions {
  /** How often the log is read for new events while anyone watches (WATCH_POLL_INTERVAL). */
  readonly pollIntervalMs: number;
  /** How many of the newest events stay in memory for watchers that are a little behind. */
  readonly recentLimit?: number;
  /** Events read from the log per query. */
  readonly pageSize?: number;
  readonly logger: Logger;
}

const RECENT_LIMIT = 2000;
const PAGE_SIZE = 500;

/**
 * Follows the image event log for every watcher of this process with one poller: FerretDB has
 * no change streams, and a query per watcher per interval would grow with the watchers.
 *
 * The poller reads what was logged after the newest event it knows, keeps the latest events in
 * memory and wakes the watchers. A watcher within that window is served from memory; one that
 * is further behind (resuming an old cursor, or slower than the log grows) reads the log itself
 * until it catches up. The poller runs only while someone watches.
 */
export class PollingImageEventFeed implements ImageEventFeed {
  private readonly recentLimit: number;
  private readonly pageSize: number;
  /** The newest events, with consecutive cursors; empty until the first poll. */
  private recent: ImageEvent[] = [];
  /** The newest cursor the poller has read; undefined while it is idle. */
  private newest: number | undefined;
  private readonly wakers = new Set<() => void>();
  /** Counts the polls that found something, so a watcher can tell it missed a wake-up. */
  private generation = 0;
  private watchers = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly log: ImageEventLog,
    private readonly options: PollingImageEventFeedOptions,
  ) {
    this.recentLimit = options.recentLimit ?? RECENT_LIMIT;
    this.pageSize = options.pageSize ?? PAGE_SIZE;
  }

  async *follow(cursor: number, signal: AbortSignal): AsyncGenerator<ImageEvent> {
    this.throwIfStopped();
    this.watchers += 1;
    if (this.watchers === 1) this.schedule(0);

    try {
      let last = cursor;
      for (;;) {
        if (signal.aborted) return;
        this.throwIfStopped();

        // Taken before looking: a poll that lands while the watcher reads the log is noticed.
        const seen = this.generation;
        const batch = this.fromRecent(last) ?? (await this.log.readAfter(last, this.pageSize));
        for (const event of batch) {
          if (signal.aborted) return;
          yield event;
          last = event.cursor;
        }
        if (batch.length === 0) await this.nextPoll(signal, seen);
      }
    } finally {
      this.watchers -= 1;
      if (this.watchers === 0) this.idle();
    }
  }

  /** Ends every watch (each throws ImageEventFeedStoppedError) and the poller. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wakeAll();
    await this.polling;
  }

  /**
   * The events after `last` from memory: empty when the watcher is up to date, undefined when
   * memory does not reach back to `last` and the log must be read.
   */
  private fromRecent(last: number): ImageEvent[] | undefined {
    if (this.newest === undefined) return undefined;
    if (last >= this.newest) return [];

    const first = this.recent[0];
    if (first === undefined || first.cursor > last + 1) return undefined;
    return this.recent.slice(last + 1 - first.cursor);
  }

  private nextPoll(signal: AbortSignal, seen: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.generation !== seen || this.stopped) {
        resolve();
        return;
      }
      const wake = () => {
        this.wakers.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.wakers.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  private schedule(delayMs: number): void {
    // One timer at most: a watcher arriving while a poll runs must not start a second schedule.
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      // Chained, so that a poll never overlaps the previous one, even across an idle spell.
      this.polling = this.polling.then(() => this.poll());
      void this.polling.finally(() => {
        if (!this.stopped && this.watchers > 0) this.schedule(this.options.pollIntervalMs);
      });
    }, delayMs);
  }

  private async poll(): Promise<void> {
    try {
      // Starting idle: events before the newest are for the watchers to read, not memory.
      if (this.newest === undefined) this.newest = (await this.log.bounds())?.newest ?? 0;

      let found = 0;
      while (!this.stopped && this.watchers > 0 && this.newest !== undefined) {
        const page = await this.log.readAfter(this.newest, this.pageSize);
        found += this.remember(page);
        if (page.length < this.pageSize) break;
      }
      if (found > 0) this.wakeAll();
    } catch (error) {
      // Watchers keep waiting; the next poll tries again.
      this.options.logger.error({ err: error }, 'image event log poll failed');
    }
  }

  /** Keeps the events that continue memory's run of cursors; resolves to how many. */
  private remember(page: readonly ImageEvent[]): number {
    let kept = 0;
    const first = page[0];
    // The log has no gaps but pruning may have overtaken an idle poller: start a new run.
    if (first !== undefined && this.newest !== undefined && first.cursor > this.newest + 1) {
      this.recent = [];
      this.newest = first.cursor - 1;
    }
    for (const event of page) {
      if (this.newest === undefined || event.cursor !== this.newest + 1) break;
      this.recent.push(event);
      this.newest = event.cursor;
      kept += 1;
    }
    if (this.recent.length > this.recentLimit) {
      this.recent = this.recent.slice(this.recent.length - this.recentLimit);
    }
    return kept;
  }

  // Nobody watches: forget, so that the next watcher does not wait for a backlog to be read.
  private idle(): void {
    clearTimeout(this.timer);
    this.recent = [];
    this.newest = undefined;
  }

  private wakeAll(): void {
    this.generation += 1;
    for (const wake of [...this.wakers]) wake();
  }

  private throwIfStopped(): void {
    if (this.stopped) throw new ImageEventFeedStoppedError('the image event feed has stopped');
  }
}
