import { beforeEach, describe, expect, it } from 'vitest';

import {
  RegistryUnavailableError,
  TagSharesManifestError,
} from '../../../src/domain/ports/registry-client.port.js';
import { DeleteImage } from '../../../src/domain/use-cases/delete-image/delete-image.use-case.js';
import { tagPush } from '../../support/tag-push.js';
import { InMemoryImageCatalog } from '../fakes/in-memory-image-catalog.js';
import { InMemoryImageEventLog } from '../fakes/in-memory-image-event-log.js';
import { RecordingRegistryClient } from '../fakes/recording-registry-client.js';

const NOW = new Date('2026-06-01T00:00:00Z');

describe('DeleteImage', () => {
  let catalog: InMemoryImageCatalog;
  let registry: RecordingRegistryClient;
  let deleteImage: DeleteImage;
  let events: InMemoryImageEventLog;

  beforeEach(async () => {
    catalog = new InMemoryImageCatalog();
    registry = new RecordingRegistryClient();
    events = new InMemoryImageEventLog();
    deleteImage = new DeleteImage(catalog, registry, { now: () => NOW }, events);
    await catalog.recordTagPush(tagPush('alice/app', 'v1'));
    await catalog.recordTagPush(tagPush('alice/app', 'v2'));
  });

  it('deletes the repository from the registry, then from the catalog', async () => {
    const result = await deleteImage.execute({ reference: 'alice/app' });

    expect(result).toEqual({ ok: true, value: { repository: 'alice/app' } });
    expect(registry.deletedRepositories).toEqual(['alice/app']);
    expect(await catalog.find('alice/app')).toBeUndefined();
  });

  it('deletes only the named tag and records the change time', async () => {
    const result = await deleteImage.execute({ reference: 'alice/app:v1' });

    expect(result).toEqual({ ok: true, value: { repository: 'alice/app', tag: 'v1' } });
    expect(registry.deletedTags).toEqual(['alice/app:v1']);
    expect(await catalog.find('alice/app')).toMatchObject({ updated: NOW, tags: [{ name: 'v2' }] });
  });

  it('fails with IMAGE_NOT_FOUND and leaves the registry alone for an unknown repository', async () => {
    const result = await deleteImage.execute({ reference: 'alice/other' });

    expect(result).toMatchObject({ ok: false, error: { code: 'IMAGE_NOT_FOUND' } });
    expect(registry.deletedRepositories).toEqual([]);
  });

  it('fails with TAG_NOT_FOUND for a tag the repository lacks', async () => {
    const result = await deleteImage.execute({ reference: 'alice/app:v9' });

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'TAG_NOT_FOUND', fields: { reference: 'v9' } },
    });
    expect(registry.deletedTags).toEqual([]);
  });

  it('refuses a digest reference with INVALID_IMAGE_NAME', async () => {
    const result = await deleteImage.execute({ reference: `alice/app@sha256:${'a'.repeat(64)}` });

    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_IMAGE_NAME' } });
  });

  it('keeps the catalog entry when the registry is unavailable', async () => {
    registry.failure = new RegistryUnavailableError(
      'registry http://127.0.0.1:1 is unreachable (ECONNREFUSED)',
    );

    const result = await deleteImage.execute({ reference: 'alice/app' });

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'REGISTRY_UNAVAILABLE', fields: { repository: 'alice/app' } },
    });
    expect(!result.ok && result.error.cause).toBe(registry.failure);
    expect((await catalog.find('alice/app'))?.tags).toHaveLength(2);
  });

  it('reports TAG_SHARES_MANIFEST with the other tags and keeps the catalog entry', async () => {
    registry.failure = new TagSharesManifestError('alice/app', 'v1', ['latest', 'v2']);

    const result = await deleteImage.execute({ reference: 'alice/app:v1' });

    expect(result).toMatchObject({ ok: false, error: { code: 'TAG_SHARES_MANIFEST' } });
    expect(!result.ok && result.error.message).toBe(
      'tag "v1" of "alice/app" cannot be deleted alone: "latest", "v2" point at its manifest',
    );
    expect((await catalog.find('alice/app'))?.tags).toHaveLength(2);
  });

  it('lets an unexpected registry error propagate', async () => {
    registry.failure = new TypeError('bug');

    await expect(deleteImage.execute({ reference: 'alice/app' })).rejects.toThrow('bug');
  });

  describe('image events', () => {
    it("logs each tag's deletion, then the repository's, after the registry and before the catalog", async () => {
      await deleteImage.execute({ reference: 'alice/app' });

      expect(events.logged.map((event) => [event.kind, event.tag])).toEqual([
        ['tag-deleted', 'v1'],
        ['tag-deleted', 'v2'],
        ['repository-deleted', undefined],
      ]);
      expect(events.logged[2]).toEqual(
        expect.objectContaining({
          cursor: 3,
          kind: 'repository-deleted',
          repository: 'alice/app',
          owner: 'alice',
          occurredAt: NOW,
        }),
      );
    });

    it('logs the deletion of one tag with its manifest', async () => {
      await deleteImage.execute({ reference: 'alice/app:v2' });

      expect(events.logged).toEqual([
        expect.objectContaining({
          kind: 'tag-deleted',
          tag: 'v2',
          digest: `sha256:${'a'.repeat(64)}`,
        }),
      ]);
    });

    it('keeps the catalog entry when the log cannot be written, and the retry logs once', async () => {
      events.appendFailure = new Error('log down');

      await expect(deleteImage.execute({ reference: 'alice/app' })).rejects.toThrow('log down');
      expect(await catalog.find('alice/app')).toBeDefined();

      events.appendFailure = undefined;
      await deleteImage.execute({ reference: 'alice/app' });
      expect(events.logged.map((event) => event.kind)).toEqual([
        'tag-deleted',
        'tag-deleted',
        'repository-deleted',
      ]);
      expect(await catalog.find('alice/app')).toBeUndefined();
    });

    it('logs nothing when the registry refuses', async () => {
      registry.failure = new RegistryUnavailableError('registry down');

      await deleteImage.execute({ reference: 'alice/app' });

      expect(events.logged).toEqual([]);
    });
  });
});
