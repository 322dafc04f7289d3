import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { IngestRegistryEvent } from '../../domain/use-cases/ingest-registry-event/ingest-registry-event.use-case.js';
import type { BearerSecrets } from './bearer-secrets.js';
import {
  ENVELOPE_MEDIA_TYPES,
  EventEndpointError,
  toEventEndpointError,
} from './event-endpoint-error.js';
import type { EventMetrics, EventOutcome } from './event-metrics.js';
import { readEnvelope, type EnvelopeEntry } from './registry-envelope.js';

export interface RegistryEventRoutesOptions {
  readonly ingest: IngestRegistryEvent;
  readonly secrets: BearerSecrets;
  /** The largest body accepted, in bytes; larger ones get 413. */
  readonly bodyLimit: number;
  /** Envelopes stored at once; the ones beyond get 503 OVERLOADED, which registries retry. */
  readonly requestsInFlight: number;
  readonly metrics: EventMetrics;
}

/** Events of one envelope stored at once. */
const EVENTS_IN_FLIGHT = 4;

/** What the endpoint answers on success: how many events of the envelope did what. */
type Tally = Record<Exclude<EventOutcome, 'failed'>, number> & { received: number };

/**
 * `POST /event`, where registries deliver their notifications. Register it without
 * fastify-plugin: its parsers, hook and error handler belong to this route alone.
 *
 * The answer is 200 only once every event of the envelope is stored; the registry retries
 * anything else, so a storage failure answers 503. Events the catalog does not act on, odd ones
 * included, are acknowledged: refusing one would stall the registry's queue behind it.
 */
export async function registryEventRoutes(
  app: FastifyInstance,
  options: RegistryEventRoutesOptions,
): Promise<void> {
  const { ingest, secrets, bodyLimit, metrics, requestsInFlight } = options;
  let inFlight = 0;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    [...ENVELOPE_MEDIA_TYPES],
    { parseAs: 'string', bodyLimit },
    (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (error) {
        done(
          new EventEndpointError('MALFORMED_JSON', `body is not JSON: ${(error as Error).message}`),
        );
      }
    },
  );

  app.setErrorHandler((error, request, reply) => replyWithError(error, request, reply, bodyLimit));

  // Checked before the body is read: an unauthenticated sender cannot make us parse anything.
  app.addHook('onRequest', async (request) => {
    if (!secrets.accepts(request.headers.authorization)) {
      throw new EventEndpointError(
        'UNAUTHORIZED',
        'a valid "Authorization: Bearer <secret>" is required',
      );
    }
  });

  app.post('/event', { bodyLimit }, async (request, reply) => {
    const entries = readEnvelope(request.body);

    // Work beyond what the database keeps up with would only wait, in memory, until the
    // registry's timeout; refused at once, it is retried once the backlog has gone.
    if (inFlight >= requestsInFlight) {
      metrics.countOverloaded();
      reply.header('retry-after', '1');
      throw new EventEndpointError(
        'OVERLOADED',
        `${inFlight} envelopes are being stored (EVENT_REQUESTS_IN_FLIGHT); retry later`,
      );
    }
    inFlight += 1;
    try {
      return await storeEntries(entries, request.log);
    } finally {
      inFlight -= 1;
    }
  });

  async function storeEntries(entries: EnvelopeEntry[], log: FastifyBaseLogger): Promise<Tally> {
    const tally: Tally = {
      received: entries.length,
      applied: 0,
      unchanged: 0,
      duplicate: 0,
      ignored: 0,
      invalid: 0,
    };

    // Events are independent (the catalog orders each by its own time, not by arrival), so a
    // few are stored at once; a bound keeps one large envelope from flooding the database.
    const settled = await settleConcurrently(entries, EVENTS_IN_FLIGHT, ingestEntry);

    const failures = settled.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason] : [],
    );
    if (failures.length > 0) {
      throw new EventEndpointError(
        'STORE_UNAVAILABLE',
        `${failures.length} of ${entries.length} events could not be stored; retry later`,
        { cause: failures[0] },
      );
    }
    for (const outcome of settled) if (outcome.status === 'fulfilled') tally[outcome.value] += 1;
    return tally;

    async function ingestEntry(entry: EnvelopeEntry): Promise<Exclude<EventOutcome, 'failed'>> {
      if (!entry.ok) {
        log.warn({ eventId: entry.id, problem: entry.problem }, 'registry event unreadable');
        metrics.count(undefined, 'invalid');
        return 'invalid';
      }

      const { event } = entry;
      let result;
      try {
        result = await ingest.execute(event);
      } catch (error) {
        metrics.count(event.action, 'failed');
        throw error;
      }

      if (!result.ok) {
        const { code, fields, message } = result.error;
        log.warn({ code, ...fields, action: event.action }, message);
        metrics.count(event.action, 'invalid');
        return 'invalid';
      }
      const { effect } = result.value;
      log.debug({ eventId: event.id, action: event.action, ...result.value }, 'registry event');
      metrics.count(event.action, effect, event.occurredAt);
      return effect;
    }
  }
}

/** The one place this route's failures become answers: `{"errors":[{code, message}]}`. */
function replyWithError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  bodyLimit: number,
): FastifyReply {
  const failure = toEventEndpointError(error, {
    contentType: request.headers['content-type'],
    bodyLimit,
  });

  // Shedding load is the endpoint working as designed: a line without a stack, not an error.
  if (failure.code === 'OVERLOADED') {
    request.log.warn({ code: failure.code }, failure.message);
  } else if (failure.statusCode >= 500) {
    request.log.error({ err: failure.cause ?? error, code: failure.code }, failure.message);
  } else {
    request.log.info({ code: failure.code }, failure.message);
  }
  if (failure.code === 'UNAUTHORIZED')
    reply.header('www-authenticate', 'Bearer realm="registry notifications"');

  return reply
    .code(failure.statusCode)
    .send({ errors: [{ code: failure.code, message: failure.message }] });
}

/** Runs `task` over `items`, at most `limit` at a time, and reports each outcome in order. */
async function settleConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const outcomes: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      try {
        outcomes[index] = { status: 'fulfilled', value: await task(items[index] as T) };
      } catch (reason) {
        outcomes[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return outcomes;
}
