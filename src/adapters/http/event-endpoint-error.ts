import { MalformedEnvelopeError } from './registry-envelope.js';

/** Every answer of `POST /event` other than success, with the status the registry gets. */
const STATUS = {
  UNAUTHORIZED: 401,
  MALFORMED_JSON: 400,
  MALFORMED_ENVELOPE: 400,
  BAD_REQUEST: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  STORE_UNAVAILABLE: 503,
  OVERLOADED: 503,
  INTERNAL: 500,
} as const;

export type EventEndpointErrorCode = keyof typeof STATUS;

/** A failure of the notification endpoint: a code of the catalogue and a message for the caller. */
export class EventEndpointError extends Error {
  override readonly name = 'EventEndpointError';
  readonly statusCode: number;

  constructor(
    readonly code: EventEndpointErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.statusCode = STATUS[code];
  }
}

/** The media types registries send envelopes with, and plain JSON for everyone else. */
export const ENVELOPE_MEDIA_TYPES = [
  'application/vnd.docker.distribution.events.v1+json',
  'application/vnd.docker.distribution.events.v2+json',
  'application/json',
] as const;

/**
 * Maps anything the endpoint threw to its catalogue entry: ours as they are, Fastify's by code,
 * anything else to INTERNAL, whose cause only the log sees.
 */
export function toEventEndpointError(
  error: unknown,
  request: { readonly contentType: string | undefined; readonly bodyLimit: number },
): EventEndpointError {
  if (error instanceof EventEndpointError) return error;
  if (error instanceof MalformedEnvelopeError) {
    return new EventEndpointError('MALFORMED_ENVELOPE', error.message);
  }

  const code =
    typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new EventEndpointError(
        'BODY_TOO_LARGE',
        `body is larger than the limit of ${request.bodyLimit} bytes (EVENT_BODY_LIMIT)`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new EventEndpointError(
        'UNSUPPORTED_MEDIA_TYPE',
        `content type "${request.contentType ?? ''}" is not one of ` +
          ENVELOPE_MEDIA_TYPES.join(', '),
      );
  }

  // Fastify's other refusals of a request (a bad Content-Length, say) carry a 4xx status.
  const status =
    typeof error === 'object' && error !== null && 'statusCode' in error ? error.statusCode : 500;
  if (typeof status === 'number' && status >= 400 && status < 500 && error instanceof Error) {
    return new EventEndpointError('BAD_REQUEST', error.message);
  }
  return new EventEndpointError(
    'INTERNAL',
    'an internal error occurred; the event was not stored',
    {
      cause: error,
    },
  );
}
