import { quote, shortened } from '../shared/quote.js';

/**
 * An event that names a manifest but carries a field the catalog cannot store. The endpoint
 * still acknowledges it: refusing would stall the registry's queue behind it for good.
 */
export type EventErrorCode = 'INVALID_EVENT';

/** The values a failure is about, so that logs need not parse the message. */
export interface EventErrorFields {
  readonly eventId: string;
  /** The event's field at fault, such as `repository` or `digest`. */
  readonly field: string;
  readonly value: string;
}

export class EventError extends Error {
  override readonly name = 'EventError';

  constructor(
    readonly code: EventErrorCode,
    message: string,
    readonly fields: EventErrorFields,
  ) {
    super(message);
  }
}

export function invalidEvent(
  eventId: string,
  field: string,
  value: string,
  rule: string,
): EventError {
  return new EventError(
    'INVALID_EVENT',
    `event "${eventId}" has ${field} ${quote(value)}: ${rule}`,
    {
      eventId,
      field,
      value: shortened(value),
    },
  );
}
