import { beforeEach, describe, expect, it } from 'vitest';

import type { RegistryEvent } from '../../../src/domain/events/registry-event.js';
import { IngestRegistryEvent } from '../../../src/domain/use-cases/ingest-registry-event/ingest-registry-event.use-case.js';
import { InMemoryImageCatalog } from '../fakes/in-memory-image-catalog.js';
import { InMemoryImageEventLog } from '../fakes/in-memory-image-event-log.js';
import { InMemoryProcessedEvents } from '../fakes/in-memory-processed-events.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const DIGEST = `sha256:${'1'.repeat(64)}`;
const OTHER_DIGEST = `sha256:${'2'.repeat(64)}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OWN_AGENT = 'images-service';

let serial = 0;

/** A manifest push as registries report one; `overrides` change or drop fields. */
function event(overrides: Partial<RegistryEvent> = {}): RegistryEvent {
  serial += 1;
  return {
    id: `event-${serial}`,
    action: 'push',
    occurredAt: new Date(Date.UTC(2026, 4, 1, 0, 0, serial)),
    repository: 'alice/app',
    tag: 'v1',
    digest: DIGEST,
    mediaType: OCI_MANIFEST,
    size: 428,
    ...overrides,
  };
}

describe('IngestRegistryEvent', () => {
  let catalog: InMemoryImageCatalog;
  let processed: InMemoryProcessedEvents;
  let ingest: IngestRegistryEvent;
  let events: InMemoryImageEventLog;

  beforeEach(() => {
    catalog = new InMemoryImageCatalog();
    events = new InMemoryImageEventLog();
    processed = new InMemoryProcessedEvents();
    ingest = new IngestRegistryEvent(
      catalog,
      processed,
      { now: () => NOW },
      { ownUserAgent: OWN_AGENT },
      events,
    );
  });

  it('points the pushed tag at the manifest with its media type, size and push time', async () => {
    const push = event({ size: 999 });

    expect(await ingest.execute(push)).toEqual({ ok: true, value: { effect: 'applied' } });

    expect(await catalog.find('alice/app')).toEqual({
      name: 'alice/app',
      owner: 'alice',
      updated: push.occurredAt,
      tags: [
        {
          name: 'v1',
          digest: DIGEST,
          mediaType: OCI_MANIFEST,
          size: 999,
          pushedAt: push.occurredAt,
          pulls: 0,
        },
      ],
    });
  });

  it.each([
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.oci.image.index.v1+json',
  ])('records a tag pushed with media type %s', async (mediaType) => {
    await ingest.execute(event({ mediaType }));

    expect((await catalog.find('alice/app'))?.tags[0]?.mediaType).toBe(mediaType);
  });

  it('files a nested repository under its first path component', async () => {
    await ingest.execute(event({ repository: 'alice/tools/cli', tag: '1.0' }));

    expect((await catalog.list('alice')).map((repository) => repository.name)).toEqual([
      'alice/tools/cli',
    ]);
  });

  it('remembers a manifest pushed by digest without adding a tag', async () => {
    const { tag: _tag, ...byDigest } = event();

    expect(await ingest.execute(byDigest)).toEqual({ ok: true, value: { effect: 'applied' } });
    expect(await catalog.find('alice/app')).toBeUndefined();
  });

  it('changes nothing for a push older than the stored tag', async () => {
    const older = event();
    await ingest.execute(event({ digest: OTHER_DIGEST }));

    expect(await ingest.execute(older)).toEqual({ ok: true, value: { effect: 'unchanged' } });
    expect((await catalog.find('alice/app'))?.tags[0]?.digest).toBe(OTHER_DIGEST);
  });

  it.each([
    ['a blob push', { mediaType: 'application/octet-stream', tag: undefined }, 'not-a-manifest'],
    [
      'a layer pull',
      { action: 'pull', mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
      'not-a-manifest',
    ],
    ['a pull by digest', { action: 'pull', tag: undefined }, 'pull-by-digest'],
    ['a HEAD of a tag by the service itself', { action: 'pull', userAgent: OWN_AGENT }, 'own-read'],
    ['a blob mount', { action: 'mount', mediaType: 'application/octet-stream' }, 'mount'],
    ['an unknown action', { action: 'replicate' }, 'unknown-action'],
    [
      'a push of a schema 1 manifest',
      { mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws' },
      'not-a-manifest',
    ],
  ] as const)('acknowledges %s without touching the catalog', async (_what, overrides, reason) => {
    const result = await ingest.execute(event(overrides));

    expect(result).toEqual({ ok: true, value: { effect: 'ignored', reason } });
    expect(await catalog.list()).toEqual([]);
  });

  it('counts a pull once however often its event arrives', async () => {
    await ingest.execute(event());
    const pull = event({ action: 'pull' });

    expect(await ingest.execute(pull)).toEqual({ ok: true, value: { effect: 'applied' } });
    expect(await ingest.execute(pull)).toEqual({ ok: true, value: { effect: 'duplicate' } });

    expect((await catalog.find('alice/app'))?.tags[0]).toMatchObject({
      pulls: 1,
      lastPulledAt: pull.occurredAt,
    });
    expect(processed.claimed.get(pull.id)).toEqual(NOW);
  });

  it('counts a pull by any other client, a HEAD of the tag included', async () => {
    await ingest.execute(event());

    await ingest.execute(event({ action: 'pull', userAgent: 'docker/27.0.3 go/go1.21.11' }));
    await ingest.execute(event({ action: 'pull', userAgent: 'skopeo/1.9.3' }));

    expect((await catalog.find('alice/app'))?.tags[0]?.pulls).toBe(2);
  });

  it('releases the claim of a pull it could not store, so that the retry counts it', async () => {
    await ingest.execute(event());
    const pull = event({ action: 'pull' });
    catalog.failure = new Error('storage down');

    await expect(ingest.execute(pull)).rejects.toThrow('storage down');
    catalog.failure = undefined;

    expect(await ingest.execute(pull)).toEqual({ ok: true, value: { effect: 'applied' } });
    expect((await catalog.find('alice/app'))?.tags[0]?.pulls).toBe(1);
  });

  it('removes the deleted tag and keeps the others', async () => {
    await ingest.execute(event({ tag: 'v1' }));
    await ingest.execute(event({ tag: 'v2', digest: OTHER_DIGEST }));

    const deletion = event({
      action: 'delete',
      tag: 'v1',
      digest: undefined,
      mediaType: undefined,
    });
    expect(await ingest.execute(deletion)).toEqual({ ok: true, value: { effect: 'applied' } });

    expect((await catalog.find('alice/app'))?.tags.map((tag) => tag.name)).toEqual(['v2']);
  });

  it('removes every tag pointing at a deleted digest', async () => {
    await ingest.execute(event({ tag: 'v1' }));
    await ingest.execute(event({ tag: 'latest' }));
    await ingest.execute(event({ tag: 'v2', digest: OTHER_DIGEST }));

    await ingest.execute(event({ action: 'delete', tag: undefined, mediaType: undefined }));

    expect((await catalog.find('alice/app'))?.tags.map((tag) => tag.name)).toEqual(['v2']);
  });

  it('removes the repository when a deletion names neither tag nor digest', async () => {
    await ingest.execute(event());

    await ingest.execute(
      event({ action: 'delete', tag: undefined, digest: undefined, mediaType: undefined }),
    );

    expect(await catalog.list()).toEqual([]);
  });

  it('reports a deletion of what is already gone as unchanged', async () => {
    const deletion = event({
      action: 'delete',
      tag: 'v9',
      digest: undefined,
      mediaType: undefined,
    });

    expect(await ingest.execute(deletion)).toEqual({ ok: true, value: { effect: 'unchanged' } });
  });

  it.each([
    [
      'repository',
      { repository: 'busybox' },
      'busybox',
      'image name "busybox" must have the form <username>/<imagename>',
    ],
    [
      'repository',
      { repository: 'Alice/app' },
      'Alice/app',
      'image name "Alice/app" has path component "Alice"',
    ],
    ['repository', { repository: 'alice/app:v1' }, 'alice/app:v1', 'must not carry a tag'],
    ['tag', { tag: '-v1' }, '-v1', 'expected [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}'],
    ['tag', { tag: 'v1@sha256:x' }, 'v1@sha256:x', 'expected [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}'],
    ['digest', { digest: 'sha256' }, 'sha256', 'expected <algorithm>:<encoded hash>'],
    ['digest', { digest: '' }, '', 'expected <algorithm>:<encoded hash>'],
    ['digest', { digest: undefined }, '', 'is required'],
    ['size', { size: -1 }, '-1', 'expected a byte count'],
    ['size', { size: 1.5 }, '1.5', 'expected a byte count'],
    ['size', { size: undefined }, 'undefined', 'expected a byte count'],
    ['timestamp', { occurredAt: new Date(Number.NaN) }, '', 'is not a time'],
  ] as const)(
    'refuses a push whose %s is "%s" with INVALID_EVENT',
    async (field, overrides, value, rule) => {
      const push = event(overrides);

      const result = await ingest.execute(push);

      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('INVALID_EVENT');
      expect(result.error.fields).toEqual({ eventId: push.id, field, value });
      expect(result.error.message).toContain(`event "${push.id}" has ${field} "${value}": `);
      expect(result.error.message).toContain(rule);
      expect(await catalog.list()).toEqual([]);
    },
  );

  it('refuses a deletion of a malformed tag with INVALID_EVENT', async () => {
    const deletion = event({
      action: 'delete',
      tag: '.hidden',
      digest: undefined,
      mediaType: undefined,
    });

    expect(await ingest.execute(deletion)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_EVENT', fields: { field: 'tag', value: '.hidden' } },
    });
  });

  it('lets a storage failure propagate so that the registry retries', async () => {
    catalog.failure = new Error('storage down');

    await expect(ingest.execute(event())).rejects.toThrow('storage down');
  });

  describe('image events', () => {
    const logged = () =>
      events.logged.map((e) => [e.cursor, e.kind, e.repository, e.tag ?? '', e.digest ?? '']);

    it('logs a new tag as pushed, then a move to another manifest as tag-moved', async () => {
      await ingest.execute(event());
      await ingest.execute(event({ digest: OTHER_DIGEST }));

      expect(logged()).toEqual([
        [1, 'pushed', 'alice/app', 'v1', DIGEST],
        [2, 'tag-moved', 'alice/app', 'v1', OTHER_DIGEST],
      ]);
      expect(events.logged[0]).toMatchObject({ owner: 'alice' });
    });

    it('logs nothing for a replay, for an overtaken push or for a pull', async () => {
      const push = event();
      await ingest.execute(push);

      await ingest.execute(push);
      await ingest.execute(event({ occurredAt: new Date('2020-01-01T00:00:00Z') }));
      await ingest.execute(event({ action: 'pull', id: 'pull-1' }));

      expect(logged()).toEqual([[1, 'pushed', 'alice/app', 'v1', DIGEST]]);
    });

    it('logs nothing for a push by digest alone', async () => {
      await ingest.execute(event({ tag: undefined }));

      expect(events.logged).toEqual([]);
    });

    it('rejects when the log cannot be written, and the retry logs the push once', async () => {
      const push = event();
      events.appendFailure = new Error('log down');

      await expect(ingest.execute(push)).rejects.toThrow('log down');
      events.appendFailure = undefined;
      const retried = await ingest.execute(push);
      await ingest.execute(push);

      expect(retried).toEqual({ ok: true, value: { effect: 'unchanged' } });
      expect(logged()).toEqual([[1, 'pushed', 'alice/app', 'v1', DIGEST]]);
    });

    it('logs a tag deletion with the manifest it pointed at, once however often repeated', async () => {
      await ingest.execute(event());
      const deletion = event({ action: 'delete', digest: undefined, mediaType: undefined });

      await ingest.execute(deletion);
      await ingest.execute(deletion);

      expect(logged()).toEqual([
        [1, 'pushed', 'alice/app', 'v1', DIGEST],
        [2, 'tag-deleted', 'alice/app', 'v1', DIGEST],
        // v1 was the repository's last tag.
        [3, 'repository-deleted', 'alice/app', '', ''],
      ]);
    });

    it('logs a deletion by digest as the deletion of each tag pointing at it', async () => {
      await ingest.execute(event({ tag: 'v1' }));
      await ingest.execute(event({ tag: 'v2' }));
      await ingest.execute(event({ tag: 'v3', digest: OTHER_DIGEST }));

      await ingest.execute(event({ action: 'delete', tag: undefined, mediaType: undefined }));

      expect(logged().slice(3)).toEqual([
        [4, 'tag-deleted', 'alice/app', 'v1', DIGEST],
        [5, 'tag-deleted', 'alice/app', 'v2', DIGEST],
      ]);
    });

    it('logs a deletion of the whole repository as each tag deleted, then the repository', async () => {
      await ingest.execute(event({ tag: 'v1' }));
      await ingest.execute(event({ tag: 'v2' }));

      await ingest.execute(
        event({ action: 'delete', tag: undefined, digest: undefined, mediaType: undefined }),
      );

      expect(logged().slice(2)).toEqual([
        [3, 'tag-deleted', 'alice/app', 'v1', DIGEST],
        [4, 'tag-deleted', 'alice/app', 'v2', DIGEST],
        [5, 'repository-deleted', 'alice/app', '', ''],
      ]);
    });

    it('logs a deletion before applying it: a failed append leaves the tag for the retry', async () => {
      await ingest.execute(event());
      const deletion = event({ action: 'delete', digest: undefined, mediaType: undefined });
      events.appendFailure = new Error('log down');

      await expect(ingest.execute(deletion)).rejects.toThrow('log down');

      expect((await catalog.find('alice/app'))?.tags.map((tag) => tag.name)).toEqual(['v1']);
    });

    it('logs nothing for a deletion that loses to a later push', async () => {
      await ingest.execute(event());

      await ingest.execute(
        event({
          action: 'delete',
          digest: undefined,
          mediaType: undefined,
          occurredAt: new Date('2020-01-01T00:00:00Z'),
        }),
      );

      expect(logged()).toHaveLength(1);
    });
  });
});
