/** Every expected failure of WatchImages; transports map each code to a status of their own. */
export type WatchErrorCode = 'INVALID_USERNAME' | 'INVALID_CURSOR' | 'CURSOR_OUT_OF_RANGE';

export class WatchError extends Error {
  override readonly name = 'WatchError';

  constructor(
    readonly code: WatchErrorCode,
    message: string,
    /** The input as the caller sent it. */
    readonly value: string,
  ) {
    super(message);
  }
}

export function invalidUsername(value: string): WatchError {
  return new WatchError(
    'INVALID_USERNAME',
    `username "${value}" is not a user's namespace; expected lowercase letters and digits ` +
      'separated by ".", "_", "__" or "-", or empty for everyone',
    value,
  );
}

export function invalidCursor(value: string): WatchError {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return new WatchError(
    'INVALID_CURSOR',
    `cursor "${shown}" is not a cursor of this service; expected the cursor of an event, ` +
      '"0" for every event kept, or empty for new events only',
    value,
  );
}

/** The events after the cursor are no longer all kept: the watcher must read the catalog anew. */
export function cursorTooOld(value: string, oldest: number): WatchError {
  return new WatchError(
    'CURSOR_OUT_OF_RANGE',
    `cursor "${value}" is older than the oldest event kept (${oldest}): the events after it ` +
      'were pruned; list the catalog again and watch from a new cursor',
    value,
  );
}

/** The cursor was never handed out by this log, e.g. it comes from another database. */
export function cursorUnknown(value: string, newest: number | undefined): WatchError {
  const known = newest === undefined ? 'no event was logged yet' : `the newest is ${newest}`;
  return new WatchError(
    'CURSOR_OUT_OF_RANGE',
    `cursor "${value}" is beyond the events of this service (${known}); watch from a new cursor`,
    value,
  );
}
