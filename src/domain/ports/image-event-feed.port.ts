import type { ImageEvent } from '../events/image-event.js';

/**
 * The image event log as it grows: what each watcher follows.
 *
 * `follow` yields every event after `cursor` in cursor order, those already logged first, then
 * each new one as it is logged, until `signal` aborts (the iteration then simply ends) or the
 * feed stops (it then throws ImageEventFeedStoppedError). The storage's errors propagate.
 */
export interface ImageEventFeed {
  follow(cursor: number, signal: AbortSignal): AsyncIterable<ImageEvent>;
}

/** The feed stopped with the service: a watcher should resume elsewhere with its last cursor. */
export class ImageEventFeedStoppedError extends Error {
  override readonly name = 'ImageEventFeedStoppedError';
}
