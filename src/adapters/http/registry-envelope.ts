import type { RegistryEvent } from '../../domain/events/registry-event.js';

/** One entry of an envelope: an event, or why its fields cannot make one. */
export type EnvelopeEntry =
  | { readonly ok: true; readonly event: RegistryEvent }
  | { readonly ok: false; readonly id: string | undefined; readonly problem: string };

/** The body is JSON but not an envelope at all: something other than a registry sent it. */
export class MalformedEnvelopeError extends Error {
  override readonly name = 'MalformedEnvelopeError';
}

// Go's time.Time in JSON: RFC 3339 with up to nanoseconds and a zone (`Z` or `+01:00`).
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const MAX_ID_LENGTH = 256;

/**
 * Reads the registry's envelope, `{"events": [...]}`, the same in version 1 (distribution 2.x,
 * several events per request) and version 2 (3.x, one event per request, with the target's
 * descriptor fields inline). An envelope without `events` holds none, as Go omits an empty list.
 * Throws MalformedEnvelopeError when the body is not an envelope; an odd entry becomes a
 * problem of its own, so that the others still count.
 */
export function readEnvelope(body: unknown): EnvelopeEntry[] {
  if (!isObject(body)) {
    throw new MalformedEnvelopeError(`body must be an object with "events", got ${describe(body)}`);
  }
  const events = body['events'] ?? [];
  if (!Array.isArray(events)) {
    throw new MalformedEnvelopeError(`"events" must be an array, got ${describe(events)}`);
  }

  return events.map(readEvent);
}

function readEvent(entry: unknown): EnvelopeEntry {
  if (!isObject(entry))
    return problem(undefined, `event must be an object, got ${describe(entry)}`);

  const id = entry['id'];
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH) {
    return problem(
      undefined,
      `"id" must be a string of 1 to ${MAX_ID_LENGTH} characters, got ${describe(id)}`,
    );
  }

  const { timestamp, action, target } = entry;
  if (typeof timestamp !== 'string' || !RFC3339.test(timestamp)) {
    return problem(id, `"timestamp" must be an RFC 3339 time, got ${describe(timestamp)}`);
  }
  if (typeof action !== 'string')
    return problem(id, `"action" must be a string, got ${describe(action)}`);
  if (!isObject(target)) return problem(id, `"target" must be an object, got ${describe(target)}`);

  const repository = target['repository'];
  if (typeof repository !== 'string') {
    return problem(id, `"target.repository" must be a string, got ${describe(repository)}`);
  }

  const strings: { tag?: string; digest?: string; mediaType?: string; userAgent?: string } = {};
  for (const name of ['tag', 'digest', 'mediaType'] as const) {
    const value = target[name];
    // Go writes absent strings as "" (3.x deletes carry `"mediaType": ""`) or leaves them out.
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') {
      return problem(id, `"target.${name}" must be a string, got ${describe(value)}`);
    }
    strings[name] = value;
  }

  // `length` is the older name of `size`; registries send both.
  const size = target['size'] ?? target['length'];
  if (size !== undefined && typeof size !== 'number') {
    return problem(id, `"target.size" must be a number, got ${describe(size)}`);
  }

  // The request record is informative only: an odd one is left out, not held against the event.
  const request = entry['request'];
  const userAgent = isObject(request) ? request['useragent'] : undefined;
  if (typeof userAgent === 'string' && userAgent !== '') strings.userAgent = userAgent;

  const occurredAt = new Date(timestamp);
  if (Number.isNaN(occurredAt.getTime())) {
    return problem(id, `"timestamp" must be an RFC 3339 time, got ${describe(timestamp)}`);
  }
  const event = {
    id,
    action,
    occurredAt,
    repository,
    ...strings,
    ...(size === undefined ? {} : { size }),
  };
  return { ok: true, event };
}

function problem(id: string | undefined, text: string): EnvelopeEntry {
  return { ok: false, id, problem: text };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short rendering of a bad value for a message: its JSON, cut at 60 characters. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
