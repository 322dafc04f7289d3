import type { ImageChange, ImageEvent } from '../events/image-event.js';

/** The cursors of the oldest and the newest event the log still keeps. */
export interface ImageEventLogBounds {
  readonly oldest: number;
  readonly newest: number;
}

/**
 * The catalog's changes in the order they were logged, shared by every replica of the service,
 * so that a watcher on one replica learns of changes applied by another.
 *
 * Cursors start at 1 and increase by one per event, with no gaps: a reader that has seen event
 * `n` has missed nothing when the next it reads is `n + 1`. The newest event is never pruned,
 * so numbering never starts over. Every method rejects with the storage's own error when the
 * store cannot be reached.
 */
export interface ImageEventLog {
  /**
   * Appends the changes, in order, stamped `loggedAt`, each unless an event with its key is
   * still kept: appending again after a failure, or for a retried request, adds nothing twice.
   */
  append(changes: readonly ImageChange[], loggedAt: Date): Promise<void>;

  /** At most `limit` events after `cursor`, in cursor order. */
  readAfter(cursor: number, limit: number): Promise<ImageEvent[]>;

  /** The cursors still kept, or undefined when nothing was ever logged. */
  bounds(): Promise<ImageEventLogBounds | undefined>;

  /**
   * Forgets the events logged before `before`, oldest first and never the newest; resolves to
   * how many.
   */
  prune(before: Date): Promise<number>;
}
