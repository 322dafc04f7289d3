import { readFileSync } from 'node:fs';

import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { BearerSecrets } from '../../../src/adapters/http/bearer-secrets.js';
import { EventMetrics } from '../../../src/adapters/http/event-metrics.js';
import { buildHttpApp } from '../../../src/adapters/http/http-server.js';
import { registryEventRoutes } from '../../../src/adapters/http/registry-event-routes.js';
import { createLogger } from '../../../src/application/logger.js';
import { Secret } from '../../../src/domain/shared/secret.js';
import { IngestRegistryEvent } from '../../../src/domain/use-cases/ingest-registry-event/ingest-registry-event.use-case.js';
import { InMemoryImageCatalog } from '../../domain/fakes/in-memory-image-catalog.js';
import { InMemoryImageEventLog } from '../../domain/fakes/in-memory-image-event-log.js';
import { InMemoryProcessedEvents } from '../../domain/fakes/in-memory-processed-events.js';
import { LogCapture } from '../../support/log-capture.js';

const SECRET = 'current-secret-0123456789';
const OLD_SECRET = 'previous-secret-0123456789';
const BODY_LIMIT = 16 * 1024;
const V1 = 'application/vnd.docker.distribution.events.v1+json';
const V2 = 'application/vnd.docker.distribution.events.v2+json';

function captured(name: string): {
  contentType: string;
  body: { events: Record<string, unknown>[] };
} {
  const url = new URL(`../../fixtures/registry-events/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'));
}

describe('POST /event', () => {
  let app: FastifyInstance;
  let url: string;
  let catalog: InMemoryImageCatalog;
  let metrics: Registry;
  const logs = new LogCapture();

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': V1, ...headers },
      body,
    });

  beforeAll(async () => {
    catalog = new InMemoryImageCatalog();
    metrics = new Registry();
    app = buildHttpApp(createLogger('debug', logs.stream));
    await app.register(registryEventRoutes, {
      ingest: new IngestRegistryEvent(
        catalog,
        new InMemoryProcessedEvents(),
        { now: () => new Date() },
        {
          ownUserAgent: 'images-service',
        },
        new InMemoryImageEventLog(),
      ),
      secrets: new BearerSecrets([new Secret(SECRET), new Secret(OLD_SECRET)]),
      bodyLimit: BODY_LIMIT,
      metrics: new EventMetrics(metrics),
      requestsInFlight: 64,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    url = `http://127.0.0.1:${port}/event`;
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    catalog.failure = undefined;
  });

  it.each([
    ['registry 2.8', 'registry-2.8-tag-push', V1, 'v1'],
    ['registry 3', 'registry-3-tag-push', V2, 'v1'],
    ['a plain JSON client', 'registry-3-tag-push', 'application/json', 'json'],
  ])(
    'stores a tag push sent by %s and answers 200 with what each event did',
    async (_who, name, type, tag) => {
      const event = captured(name).body.events[0] as { target: object };
      const body = { events: [{ ...event, target: { ...event.target, tag } }] };

      const response = await post(JSON.stringify(body), { 'content-type': type });

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        received: 1,
        applied: 1,
        unchanged: 0,
        duplicate: 0,
        ignored: 0,
        invalid: 0,
      });
      expect((await catalog.find('alice/app'))?.tags.map((stored) => stored.name)).toContain(tag);
    },
  );

  it('acknowledges blob pushes, unknown actions and unreadable events beside a good one, and counts them', async () => {
    const push = captured('registry-2.8-index-push').body.events[0] as Record<string, unknown>;
    const blob = captured('registry-2.8-blob-push').body.events[0] as Record<string, unknown>;
    const events = [
      blob,
      { ...push, id: 'unknown-1', action: 'replicate' },
      { ...push, id: 'odd-1', timestamp: 'yesterday' },
      {
        ...push,
        id: 'bad-name-1',
        target: { ...(push['target'] as object), repository: 'busybox' },
      },
      push,
    ];

    const response = await post(JSON.stringify({ events }));

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      received: 5,
      applied: 1,
      ignored: 2,
      invalid: 2,
    });
    expect(await metrics.getSingleMetricAsString('images_service_registry_events_total')).toMatch(
      /images_service_registry_events_total\{action="other",outcome="ignored"\} 1/,
    );
    const warnings = logs.lines.filter((line) => line.level === 40).map((line) => line.msg);
    expect(warnings).toEqual(
      expect.arrayContaining([
        'registry event unreadable',
        'event "bad-name-1" has repository "busybox": image name "busybox" must have the form <username>/<imagename>',
      ]),
    );
  });

  it('accepts the previous secret too, so that it can be rotated', async () => {
    const response = await post('{"events":[]}', { authorization: `Bearer ${OLD_SECRET}` });

    expect(response.status).toBe(200);
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong secret', `Bearer ${SECRET}x`],
    ['a prefix of the secret', `Bearer ${SECRET.slice(0, 10)}`],
    ['Basic credentials', `Basic ${Buffer.from(`registry:${SECRET}`).toString('base64')}`],
    ['the secret without a scheme', SECRET],
    ['an empty bearer', 'Bearer '],
  ])('answers 401 to %s and stores nothing', async (_what, authorization) => {
    const headers: Record<string, string> = { 'content-type': V1 };
    if (authorization !== undefined) headers['authorization'] = authorization;
    const body = JSON.stringify({
      events: [{ ...captured('registry-2.8-tag-push').body.events[0], id: 'x' }],
    });

    const response = await fetch(url, { method: 'POST', headers, body });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="registry notifications"');
    expect(await response.json()).toEqual({
      errors: [
        { code: 'UNAUTHORIZED', message: 'a valid "Authorization: Bearer <secret>" is required' },
      ],
    });
  });

  it('answers 413 naming the limit to a body larger than it', async () => {
    const response = await post(JSON.stringify({ events: [], padding: 'x'.repeat(BODY_LIMIT) }));

    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [
        {
          code: 'BODY_TOO_LARGE',
          message: `body is larger than the limit of ${BODY_LIMIT} bytes (EVENT_BODY_LIMIT)`,
        },
      ],
    });
  });

  it('answers 400 quoting the parser to a body that is not JSON', async () => {
    const response = await post('{"events": [');

    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { code: string; message: string }[] };
    expect(body.errors[0]?.code).toBe('MALFORMED_JSON');
    expect(body.errors[0]?.message).toMatch(/^body is not JSON: /);
  });

  it('answers 400 naming the bad value to JSON that is no envelope', async () => {
    const response = await post('{"events": "all of them"}');

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [
        { code: 'MALFORMED_ENVELOPE', message: '"events" must be an array, got "all of them"' },
      ],
    });
  });

  it('answers 415 naming the content type to a body that is not JSON at all', async () => {
    const response = await post('events', { 'content-type': 'text/plain' });

    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      errors: [
        {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: `content type "text/plain" is not one of ${V1}, ${V2}, application/json`,
        },
      ],
    });
  });

  it('answers 503 when an event cannot be stored, so that the registry retries, and logs the cause', async () => {
    catalog.failure = new Error('connection refused by the catalog store');

    const response = await post(JSON.stringify(captured('registry-2.8-tag-push').body));

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      errors: [
        { code: 'STORE_UNAVAILABLE', message: '1 of 1 events could not be stored; retry later' },
      ],
    });
    const logged = logs.lines.find(
      (line) => line.level === 50 && line['code'] === 'STORE_UNAVAILABLE',
    );
    expect(JSON.stringify(logged)).toContain('connection refused by the catalog store');
  });

  it('never writes a secret to the log', () => {
    expect(logs.raw.join('\n')).not.toContain(SECRET);
    expect(logs.raw.join('\n')).not.toContain(OLD_SECRET);
  });
});

describe('POST /event beyond EVENT_REQUESTS_IN_FLIGHT', () => {
  /** A catalog whose tag pushes wait until the test opens the gate. */
  class GatedCatalog extends InMemoryImageCatalog {
    private opened: () => void = () => undefined;
    private readonly gate = new Promise<void>((resolve) => (this.opened = resolve));

    open(): void {
      this.opened();
    }

    override async recordTagPush(push: Parameters<InMemoryImageCatalog['recordTagPush']>[0]) {
      await this.gate;
      return super.recordTagPush(push);
    }
  }

  it('answers 503 OVERLOADED with Retry-After at once, counts it, and stores the envelopes in flight', async () => {
    const catalog = new GatedCatalog();
    const registry = new Registry();
    const app = buildHttpApp(createLogger('silent'));
    await app.register(registryEventRoutes, {
      ingest: new IngestRegistryEvent(
        catalog,
        new InMemoryProcessedEvents(),
        { now: () => new Date() },
        { ownUserAgent: 'images-service' },
        new InMemoryImageEventLog(),
      ),
      secrets: new BearerSecrets([new Secret(SECRET)]),
      bodyLimit: BODY_LIMIT,
      metrics: new EventMetrics(registry),
      requestsInFlight: 2,
    });
    const envelope = (tag: string) => {
      const event = captured('registry-2.8-tag-push').body.events[0] as { target: object };
      return JSON.stringify({ events: [{ ...event, id: tag, target: { ...event.target, tag } }] });
    };
    const post = (tag: string) =>
      app.inject({
        method: 'POST',
        url: '/event',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': V1 },
        payload: envelope(tag),
      });

    const held = [post('t1'), post('t2')];
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await post('t3');
    catalog.open();
    const answered = await Promise.all(held);
    const afterwards = await post('t4');
    await app.close();

    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toEqual({
      errors: [
        {
          code: 'OVERLOADED',
          message: '2 envelopes are being stored (EVENT_REQUESTS_IN_FLIGHT); retry later',
        },
      ],
    });
    expect(answered.map((answer) => answer.statusCode)).toEqual([200, 200]);
    expect(afterwards.statusCode).toBe(200);
    expect(
      await registry.getSingleMetricAsString('images_service_registry_envelopes_overloaded_total'),
    ).toContain('images_service_registry_envelopes_overloaded_total 1');
    expect((await catalog.find('alice/app'))?.tags.map((tag) => tag.name)).toEqual([
      't1',
      't2',
      't4',
    ]);
  });
});
