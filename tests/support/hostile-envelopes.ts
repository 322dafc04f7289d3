import { readdirSync, readFileSync } from 'node:fs';

import fc from 'fast-check';

import { hostileImageName } from './hostile-image-names.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A notification exactly as a real registry sent it (tests/fixtures/registry-events/). */
export interface RecordedEnvelope {
  readonly name: string;
  readonly contentType: string;
  readonly body: { events: Record<string, Json>[] };
}

const FIXTURES = new URL('../fixtures/registry-events/', import.meta.url);

/** Every envelope registries 2.8 and 3.1.1 sent in the recording runs. */
export const RECORDED: readonly RecordedEnvelope[] = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({
    name: file.replace(/\.json$/, ''),
    ...(JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Omit<
      RecordedEnvelope,
      'name'
    >),
  }));

const digestOf = (letter: string) => `sha256:${letter.repeat(64)}`;

/** Values registries could plausibly send in each field, and some they never would. */
const FIELD_VALUES = {
  repository: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('alice/app', 'alice/tools/cli', 'bob/web') },
    { weight: 1, arbitrary: hostileImageName(false) },
  ),
  tag: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('v1', 'v2', 'latest', '') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 140 }) },
  ),
  digest: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'c', 'd').map(digestOf) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', 'sha256:', 'sha256:xyz', 'SHA256:ABC', 'sha512+b64:AAA=', ':'),
    },
  ),
  action: fc.constantFrom('push', 'pull', 'delete', 'mount', 'PUSH', '', 'purge'),
  mediaType: fc.constantFrom(
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/octet-stream',
    'text/plain',
    '',
  ),
  // Minutes apart in both directions, so that events overtake each other.
  timestamp: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -600, max: 600 }).map(shiftedTimestamp) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '2026-02-30T00:00:00Z',
        '2026-12-03T19:05:16.4805585670Z',
        '0000-01-01T00:00:00Z',
        '9999-12-31T23:59:59.999999999+14:00',
        '2026-12-03 19:05:16Z',
        'yesterday',
        '',
      ),
    },
  ),
  size: fc.oneof(fc.nat({ max: 10_000 }), fc.constantFrom(-1, 1.5, 1e300, 2 ** 53, 0)),
  id: fc.oneof(fc.uuid(), fc.constantFrom('', 'x'.repeat(256), 'x'.repeat(257))),
};

function shiftedTimestamp(seconds: number): string {
  return new Date(Date.UTC(2026, 11, 3, 19, 5, 0) + seconds * 1000).toISOString();
}

const FIELD_PATHS: Record<keyof typeof FIELD_VALUES, readonly string[]> = {
  repository: ['target', 'repository'],
  tag: ['target', 'tag'],
  digest: ['target', 'digest'],
  action: ['action'],
  mediaType: ['target', 'mediaType'],
  timestamp: ['timestamp'],
  size: ['target', 'size'],
  id: ['id'],
};

/** Anything JSON can hold, for replacing a value wherever it sits. */
const anyJson: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(null, '', 0, -1, true, [], {}, '\u0000', 'a'.repeat(300)),
);

type Change =
  | { readonly kind: 'field'; readonly field: keyof typeof FIELD_VALUES; readonly value: Json }
  | { readonly kind: 'anywhere'; readonly at: number; readonly value: Json | undefined };

const change: fc.Arbitrary<Change> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(...(Object.keys(FIELD_VALUES) as (keyof typeof FIELD_VALUES)[]))
      .chain((field) =>
        (FIELD_VALUES[field] as fc.Arbitrary<Json>).map((value) => ({
          kind: 'field' as const,
          field,
          value,
        })),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('anywhere' as const),
      at: fc.nat(),
      value: fc.option(anyJson, { nil: undefined }),
    }),
  },
);

/** Every path to a value inside `value`, the root excluded. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys = Array.isArray(value) ? value.map((_, index) => index) : Object.keys(value);
  return keys.flatMap((key) => {
    const path = [...prefix, key];
    return [path, ...pathsOf((value as Record<string | number, Json>)[key] as Json, path)];
  });
}

/** Sets (or, with undefined, deletes) the value at `path`, creating objects on the way. */
function setAt(root: Json, path: readonly (string | number)[], value: Json | undefined): void {
  let node = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string | number, Json>;
  }
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete node[last];
  // A copy: fast-check reuses generated values while shrinking, so they must stay untouched.
  else node[last] = structuredClone(value);
}

function applyChange(envelope: { events: Json[] }, change: Change, eventIndex: number): void {
  if (change.kind === 'anywhere') {
    const paths = pathsOf(envelope);
    if (paths.length > 0) setAt(envelope, paths[change.at % paths.length] ?? [], change.value);
    return;
  }
  // An earlier change may have replaced the list itself.
  if (!Array.isArray(envelope.events)) return;
  const event = envelope.events[eventIndex % Math.max(envelope.events.length, 1)];
  if (event !== null && typeof event === 'object') {
    setAt(event, FIELD_PATHS[change.field], change.value);
  }
}

/**
 * A recorded event replayed as a new one: at another time, and for a manifest push or a delete
 * with a tag, on a tag and digest of a small vocabulary, so that events of one run meet.
 */
const replayedEvent = fc
  .record({
    recorded: fc.constantFrom(...RECORDED.flatMap((entry) => entry.body.events)),
    id: fc.uuid(),
    timestamp: FIELD_VALUES.timestamp,
    tag: fc.constantFrom('v1', 'v2', 'latest'),
    digest: fc.constantFrom('a', 'b', 'c').map(digestOf),
  })
  .map(({ recorded, id, timestamp, tag, digest }) => {
    const event = structuredClone(recorded) as { target: Record<string, Json> } & Record<
      string,
      Json
    >;
    const target = event.target;
    const manifest = target['mediaType'] !== 'application/octet-stream';
    if (manifest && typeof target['tag'] === 'string' && target['tag'] !== '') target['tag'] = tag;
    if (manifest && typeof target['digest'] === 'string' && target['digest'] !== '') {
      target['digest'] = digest;
    }
    return { ...event, id, timestamp } as Json;
  });

/** One to three recorded events in one envelope, each changed zero to three times. */
export const mutatedEnvelope: fc.Arbitrary<{ events: Json[] }> = fc
  .tuple(
    fc.array(replayedEvent, { minLength: 1, maxLength: 3 }),
    fc.array(fc.tuple(change, fc.nat()), { maxLength: 3 }),
  )
  .map(([events, changes]) => {
    const envelope = { events: structuredClone(events) };
    for (const [what, index] of changes) applyChange(envelope, what, index);
    // As the wire delivers it: a deleted array element becomes null, not a hole.
    return JSON.parse(JSON.stringify(envelope)) as { events: Json[] };
  });

/** Bodies of every kind: recorded envelopes changed, and arbitrary JSON in and out of shape. */
export const hostileEnvelopeBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: mutatedEnvelope },
  { weight: 1, arbitrary: fc.record({ events: fc.array(anyJson, { maxLength: 4 }) }) },
  { weight: 1, arbitrary: anyJson },
);
