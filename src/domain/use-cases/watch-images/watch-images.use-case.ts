import { isOwnerName } from '../../catalog/image-reference.js';
import type { ImageEvent } from '../../events/image-event.js';
import {
  cursorTooOld,
  cursorUnknown,
  invalidCursor,
  invalidUsername,
  type WatchError,
} from '../../events/watch-error.js';
import type { ImageEventFeed } from '../../ports/image-event-feed.port.js';
import type { ImageEventLog } from '../../ports/image-event-log.port.js';
import { failure, success, type Result } from '../../shared/result.js';

export interface WatchImagesInput {
  /** Only this owner's images; empty or absent for everyone's. */
  readonly owner?: string;
  /**
   * The cursor of the last event the watcher received, as a decimal string; `0` for every event
   * still kept; empty or absent for the events logged from now on.
   */
  readonly cursor?: string;
  /** Ends the watch: the iteration then stops without an error. */
  readonly signal: AbortSignal;
}

// A cursor is a positive safe integer, written plainly.
const CURSOR = /^(0|[1-9][0-9]{0,15})$/;

/**
 * Follows the catalog's changes: every event after the cursor, in order, then each new one as
 * it is logged, optionally only one owner's.
 *
 * Fails before the first event with INVALID_USERNAME, INVALID_CURSOR (not a cursor), or
 * CURSOR_OUT_OF_RANGE when the events after the cursor are no longer all kept (older than the
 * retention) or the cursor was never handed out (another database). A watcher filtered by owner
 * still advances past other owners' events, but only sees its own: to keep its cursor fresh
 * between them it should reconnect within the retention.
 */
export class WatchImages {
  constructor(
    private readonly log: ImageEventLog,
    private readonly feed: ImageEventFeed,
  ) {}

  async execute(input: WatchImagesInput): Promise<Result<AsyncIterable<ImageEvent>, WatchError>> {
    const owner = input.owner ?? '';
    if (owner !== '' && !isOwnerName(owner)) return failure(invalidUsername(owner));

    const cursor = input.cursor ?? '';
    if (cursor !== '' && !CURSOR.test(cursor)) return failure(invalidCursor(cursor));

    const start = await this.startAfter(cursor);
    if (!start.ok) return start;

    const events = this.feed.follow(start.value, input.signal);
    return success(owner === '' ? events : onlyOwner(events, owner));
  }

  /** The cursor to follow from, checked against what the log still keeps. */
  private async startAfter(cursor: string): Promise<Result<number, WatchError>> {
    const bounds = await this.log.bounds();
    if (cursor === '') return success(bounds?.newest ?? 0);
    if (cursor === '0') return success(0);

    const after = Number(cursor);
    if (bounds === undefined || after > bounds.newest) {
      return failure(cursorUnknown(cursor, bounds?.newest));
    }
    // The watcher saw `after`; it missed nothing if the next one, `after + 1`, is still kept.
    if (after + 1 < bounds.oldest) return failure(cursorTooOld(cursor, bounds.oldest));
    return success(after);
  }
}

async function* onlyOwner(
  events: AsyncIterable<ImageEvent>,
  owner: string,
): AsyncGenerator<ImageEvent> {
  for await (const event of events) if (event.owner === owner) yield event;
}
