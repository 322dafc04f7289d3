import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { catalogDocuments } from '../support/catalog-state.js';
import { expectCatalogInvariants } from '../support/catalog-invariants.js';
import { hostileEnvelopeBody } from '../support/hostile-envelopes.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../support/images-service.js';

/*
 * End to end on FerretDB, which stores about ten writes a second here. A run took 8 to 13 ms on
 * a quiet machine and up to 60 ms on a busy one, most runs writing nothing (refusals, replays,
 * pushes a deletion outdates): the 10,000 runs would take two to ten minutes, so this
 * file tries 500 envelopes, and the 10,000 go through the same parser and use case on the
 * in-memory catalog instead (tests/adapters/http/registry-envelope.property.test.ts).
 */
const RUNS = 500;
const SEED = 20_261_203;
const SECRET = 'property-notification-secret-0123';
const BODY_LIMIT = 4096;

const MEDIA_TYPES = [
  'application/vnd.docker.distribution.events.v1+json',
  'application/vnd.docker.distribution.events.v2+json',
  'application/json',
];

interface Delivery {
  readonly body: string;
  readonly contentType: string;
  readonly authorization: string | undefined;
}

const delivery: fc.Arbitrary<Delivery> = fc.record({
  body: fc.oneof(
    { weight: 12, arbitrary: hostileEnvelopeBody.map((body) => JSON.stringify(body)) },
    // Not JSON at all, or JSON cut short.
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 50 }) },
    { weight: 1, arbitrary: hostileEnvelopeBody.map((body) => JSON.stringify(body).slice(0, -1)) },
    // Over the limit.
    { weight: 1, arbitrary: fc.constant(JSON.stringify({ events: [], pad: 'x'.repeat(5000) })) },
  ),
  contentType: fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...MEDIA_TYPES) },
    { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/xml', 'image/png') },
  ),
  authorization: fc.oneof(
    { weight: 10, arbitrary: fc.constant(`Bearer ${SECRET}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(undefined, 'Bearer wrong-secret-0123456789', SECRET, 'Basic x'),
    },
  ),
});

type Outcome = { status: 200 } | { status: number; code: string };

/** The documented answer, in the order the endpoint checks: secret, media type, size, JSON. */
function expectedOutcome(sent: Delivery): Outcome | 'stored' {
  if (sent.authorization !== `Bearer ${SECRET}`) return { status: 401, code: 'UNAUTHORIZED' };
  if (!MEDIA_TYPES.includes(sent.contentType)) {
    return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' };
  }
  if (Buffer.byteLength(sent.body) > BODY_LIMIT) return { status: 413, code: 'BODY_TOO_LARGE' };

  let body: unknown;
  try {
    body = JSON.parse(sent.body);
  } catch {
    return { status: 400, code: 'MALFORMED_JSON' };
  }
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  const events = isObject ? (body as Record<string, unknown>)['events'] : undefined;
  if (!isObject || (events !== undefined && events !== null && !Array.isArray(events))) {
    return { status: 400, code: 'MALFORMED_ENVELOPE' };
  }
  return 'stored';
}

describe('property: event envelopes through POST /event on FerretDB', () => {
  let stack: ServiceUnderTest;

  beforeAll(async () => {
    stack = await startServiceUnderTest({
      LOG_LEVEL: 'warn',
      REGISTRY_URL: 'http://127.0.0.1:9',
      NOTIFICATION_SECRETS: SECRET,
      EVENT_BODY_LIMIT: String(BODY_LIMIT),
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers only documented statuses with JSON bodies and leaves List and Find in agreement', async () => {
    const named = new Set<string>();
    const statuses: Record<number, number> = {};
    let applied = 0;

    await fc.assert(
      fc.asyncProperty(delivery, async (sent) => {
        const response = await fetch(`${stack.httpUrl}/event`, {
          method: 'POST',
          headers: {
            'content-type': sent.contentType,
            ...(sent.authorization === undefined ? {} : { authorization: sent.authorization }),
          },
          body: sent.body,
        });
        const answer = (await response.json()) as Record<string, unknown>;
        const expected = expectedOutcome(sent);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;

        if (expected !== 'stored') {
          expect({ status: response.status, answer }).toEqual({
            status: expected.status,
            answer: {
              errors: [{ code: (expected as { code: string }).code, message: expect.any(String) }],
            },
          });
          return;
        }
        // A write FerretDB refuses as busy is the documented 503, which the registry retries.
        if (response.status === 503) {
          expect(answer).toMatchObject({ errors: [{ code: 'STORE_UNAVAILABLE' }] });
          return;
        }
        expect(response.status).toBe(200);
        const events = (JSON.parse(sent.body) as { events?: unknown[] | null }).events ?? [];
        const { received, ...outcomes } = answer as Record<string, number>;
        expect(received).toBe(events.length);
        expect(Object.keys(outcomes).sort()).toEqual([
          'applied',
          'duplicate',
          'ignored',
          'invalid',
          'unchanged',
        ]);
        expect(Object.values(outcomes).reduce((sum, count) => sum + count, 0)).toBe(received);
        applied += outcomes['applied'] ?? 0;
        for (const event of events) {
          const repository = (event as { target?: { repository?: unknown } })?.target?.repository;
          if (typeof repository === 'string') named.add(repository);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );

    // The catalog invariants, read through gRPC and straight from the database.
    const { tags } = await catalogDocuments(stack.mongodbUri);
    const list = await stack.client.list({ username: '' });
    const listed = list.images.flatMap((group) =>
      group.list.map((image) => ({
        name: image.name,
        owner: group.username,
        tags: image.tags.map((tag) => ({ name: tag, digest: tags[image.name]?.[tag] ?? '' })),
      })),
    );
    expectCatalogInvariants(listed);
    expect(Object.fromEntries(listed.map((entry) => [entry.name, entry.tags.length]))).toEqual(
      Object.fromEntries(
        Object.entries(tags).map(([name, held]) => [name, Object.keys(held).length]),
      ),
    );
    for (const repository of listed) {
      for (const tag of repository.tags) {
        const byTag = await stack.client.find({ name: `${repository.name}:${tag.name}` });
        const byDigest = await stack.client.find({ name: `${repository.name}@${tag.digest}` });
        expect([byTag.status?.code, byDigest.status?.code]).toEqual([200, 200]);
      }
    }
    const listedNames = new Set(listed.map((entry) => entry.name));
    for (const name of [...named].filter((candidate) => !listedNames.has(candidate))) {
      expect((await stack.client.find({ name })).status?.code).toBeOneOf([404, 422]);
    }
    // The mix must store events and reach the refusals, or the property proves little.
    expect(applied).toBeGreaterThan(RUNS / 20);
    expect(statuses[200]).toBeGreaterThan(RUNS / 2);
    expect(Object.keys(statuses).sort()).toEqual(
      expect.arrayContaining(['400', '401', '413', '415']),
    );
    expect(listed.length).toBeGreaterThan(0);
    expect(stack.logs.lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});
