import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  MalformedEnvelopeError,
  readEnvelope,
} from '../../../src/adapters/http/registry-envelope.js';

/** An envelope the real registry sent (captured from 2.8.2 and 3.1.1 on this machine). */
function captured(name: string): {
  contentType: string;
  body: { events: Record<string, unknown>[] };
} {
  const url = new URL(`../../fixtures/registry-events/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'));
}

const DIGEST = `sha256:${'a'.repeat(64)}`;
const base = {
  id: 'e1',
  timestamp: '2026-12-03T19:05:16.374450848Z',
  action: 'push',
  target: {
    repository: 'alice/app',
    tag: 'v1',
    digest: DIGEST,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 400,
  },
};

describe('readEnvelope', () => {
  it.each([
    [
      'registry-2.8-tag-push',
      {
        action: 'push',
        tag: 'v1',
        size: 400,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
      },
      [],
    ],
    [
      'registry-3-tag-push',
      {
        action: 'push',
        tag: 'v1',
        size: 400,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
      },
      [],
    ],
    [
      'registry-2.8-index-push',
      { action: 'push', tag: 'v2', mediaType: 'application/vnd.oci.image.index.v1+json' },
      [],
    ],
    [
      'registry-3-digest-push',
      { action: 'push', mediaType: 'application/vnd.oci.image.manifest.v1+json' },
      ['tag'],
    ],
    ['registry-2.8-blob-push', { action: 'push', mediaType: 'application/octet-stream' }, ['tag']],
    ['registry-3-tag-pull', { action: 'pull', tag: 'v1', userAgent: 'skopeo/1.9.3' }, []],
    ['registry-2.8-digest-delete', { action: 'delete' }, ['tag', 'mediaType', 'size']],
    ['registry-3-digest-delete', { action: 'delete', size: 0 }, ['tag', 'mediaType']],
    ['registry-2.8-tag-delete', { action: 'delete', tag: 'v2' }, ['digest', 'mediaType']],
    ['registry-3-tag-delete', { action: 'delete', tag: 'v2' }, ['digest', 'mediaType']],
  ])('reads the envelope %s as the registry sent it', (name, expected, absent) => {
    const { body } = captured(name);
    const sent = body.events[0] as {
      id: string;
      timestamp: string;
      target: Record<string, unknown>;
    };

    const entries = readEnvelope(body);

    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      ok: true,
      event: {
        id: sent.id,
        repository: 'alice/app',
        occurredAt: new Date(sent.timestamp),
        ...expected,
      },
    });
    const event = entries[0]?.ok ? entries[0].event : {};
    for (const field of absent) expect(event).not.toHaveProperty(field);
  });

  it('keeps every event of a version 1 envelope that carries several, in order', () => {
    const events = ['e1', 'e2', 'e3'].map((id) => ({ ...base, id }));

    const entries = readEnvelope({ events });

    expect(entries.map((entry) => entry.ok && entry.event.id)).toEqual(['e1', 'e2', 'e3']);
  });

  it('reads a time with a zone offset and nanoseconds to the millisecond', () => {
    const [entry] = readEnvelope({
      events: [{ ...base, timestamp: '2026-12-03T20:05:16.374450848+01:00' }],
    });

    expect(entry).toMatchObject({
      ok: true,
      event: { occurredAt: new Date('2026-12-03T19:05:16.374Z') },
    });
  });

  it('takes the size from the older "length" field when "size" is absent', () => {
    const { size: _size, ...target } = base.target;

    const [entry] = readEnvelope({ events: [{ ...base, target: { ...target, length: 77 } }] });

    expect(entry).toMatchObject({ ok: true, event: { size: 77 } });
  });

  it('reads an envelope without "events" as holding none, as Go omits an empty list', () => {
    expect(readEnvelope({})).toEqual([]);
  });

  it.each([
    [null, 'body must be an object with "events", got null'],
    [[], 'body must be an object with "events", got []'],
    ['events', 'body must be an object with "events", got "events"'],
    [{ events: {} }, '"events" must be an array, got {}'],
    [{ events: 'x'.repeat(100) }, `"events" must be an array, got "${'x'.repeat(56)}...`],
  ])('refuses the body %j as no envelope', (body, message) => {
    expect(() => readEnvelope(body)).toThrow(new MalformedEnvelopeError(message));
  });

  it.each([
    ['a string', 'push', undefined, 'event must be an object, got "push"'],
    [
      'no id',
      { ...base, id: undefined },
      undefined,
      '"id" must be a string of 1 to 256 characters, got nothing',
    ],
    [
      'an empty id',
      { ...base, id: '' },
      undefined,
      '"id" must be a string of 1 to 256 characters, got ""',
    ],
    [
      'a numeric id',
      { ...base, id: 7 },
      undefined,
      '"id" must be a string of 1 to 256 characters, got 7',
    ],
    [
      'a long id',
      { ...base, id: 'i'.repeat(257) },
      undefined,
      `"id" must be a string of 1 to 256 characters, got "${'i'.repeat(56)}...`,
    ],
    [
      'no timestamp',
      { ...base, timestamp: undefined },
      'e1',
      '"timestamp" must be an RFC 3339 time, got nothing',
    ],
    [
      'a date without time',
      { ...base, timestamp: '2026-12-03' },
      'e1',
      '"timestamp" must be an RFC 3339 time, got "2026-12-03"',
    ],
    [
      'an impossible date',
      { ...base, timestamp: '2026-13-45T00:00:00Z' },
      'e1',
      '"timestamp" must be an RFC 3339 time, got "2026-13-45T00:00:00Z"',
    ],
    ['a numeric action', { ...base, action: 1 }, 'e1', '"action" must be a string, got 1'],
    ['no target', { ...base, target: undefined }, 'e1', '"target" must be an object, got nothing'],
    [
      'no repository',
      { ...base, target: { tag: 'v1' } },
      'e1',
      '"target.repository" must be a string, got nothing',
    ],
    [
      'a numeric tag',
      { ...base, target: { ...base.target, tag: 1 } },
      'e1',
      '"target.tag" must be a string, got 1',
    ],
    [
      'an object digest',
      { ...base, target: { ...base.target, digest: {} } },
      'e1',
      '"target.digest" must be a string, got {}',
    ],
    [
      'a string size',
      { ...base, target: { ...base.target, size: '400' } },
      'e1',
      '"target.size" must be a number, got "400"',
    ],
  ])('reports an event with %s as a problem of its own', (_what, event, id, problem) => {
    const entries = readEnvelope({ events: [event, base] });

    expect(entries[0]).toEqual({ ok: false, id, problem });
    expect(entries[1]).toMatchObject({ ok: true });
  });

  it('leaves out a request record it cannot read instead of refusing the event', () => {
    const [entry] = readEnvelope({ events: [{ ...base, request: { useragent: 7 } }] });

    expect(entry).toMatchObject({ ok: true });
    expect(entry?.ok && entry.event).not.toHaveProperty('userAgent');
  });

  it('leaves the judging of names to the use case', () => {
    const [entry] = readEnvelope({
      events: [{ ...base, target: { repository: 'NOT A NAME', tag: '!' } }],
    });

    expect(entry).toMatchObject({ ok: true, event: { repository: 'NOT A NAME', tag: '!' } });
  });
});
