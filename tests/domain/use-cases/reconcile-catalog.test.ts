import { beforeEach, describe, expect, it } from 'vitest';

import { ReconcileCatalog } from '../../../src/domain/use-cases/reconcile-catalog/reconcile-catalog.use-case.js';
import { tagPush } from '../../support/tag-push.js';
import { InMemoryImageCatalog } from '../fakes/in-memory-image-catalog.js';
import { InMemoryImageEventLog } from '../fakes/in-memory-image-event-log.js';
import { ScriptedRegistryReader } from '../fakes/scripted-registry-reader.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const digest = (letter: string) => `sha256:${letter.repeat(64)}`;
const manifest = (letter: string) => ({
  digest: digest(letter),
  mediaType: OCI_MANIFEST,
  size: 400,
});
const BEFORE = new Date('2026-05-01T00:00:00Z');
const NOW = new Date('2026-06-01T00:00:00Z');

describe('ReconcileCatalog', () => {
  let catalog: InMemoryImageCatalog;
  let registry: ScriptedRegistryReader;
  let reconcile: ReconcileCatalog;
  let events: InMemoryImageEventLog;

  const names = async () =>
    (await catalog.list()).map(
      (entry) =>
        `${entry.name}:${entry.tags.map((tag) => `${tag.name}=${tag.digest[7]}`).join(',')}`,
    );

  beforeEach(async () => {
    catalog = new InMemoryImageCatalog();
    registry = new ScriptedRegistryReader();
    events = new InMemoryImageEventLog();
    reconcile = new ReconcileCatalog(catalog, registry, { now: () => NOW }, events);

    // The catalog: one tag current, one moved since, one deleted since, one repository gone.
    await catalog.recordTagPush(
      tagPush('alice/app', 'v1', { digest: digest('a'), pushedAt: BEFORE }),
    );
    await catalog.recordTagPush(
      tagPush('alice/app', 'v2', { digest: digest('b'), pushedAt: BEFORE }),
    );
    await catalog.recordTagPush(
      tagPush('alice/app', 'v3', { digest: digest('c'), pushedAt: BEFORE }),
    );
    await catalog.recordTagPush(tagPush('bob/gone', 'latest', { pushedAt: BEFORE }));
    registry
      .hold('alice/app', 'v1', manifest('a'))
      .hold('alice/app', 'v2', manifest('e'))
      .hold('alice/tools/cli', '1.0', manifest('f'))
      .hold('library', 'latest', manifest('f'));
  });

  it('adds what the catalog lacks, moves what changed and removes what is gone', async () => {
    const result = await reconcile.execute({ dryRun: false });

    expect(result).toEqual({
      ok: true,
      value: {
        repositories: 3,
        added: 1,
        updated: 1,
        removed: 2,
        unchanged: 1,
        failed: [],
        skipped: ['library'],
      },
    });
    expect(await names()).toEqual(['alice/app:v1=a,v2=e', 'alice/tools/cli:1.0=f']);
    expect((await catalog.find('alice/tools/cli'))?.tags[0]).toMatchObject({
      mediaType: OCI_MANIFEST,
      size: 400,
      pushedAt: NOW,
    });
  });

  it('counts the same differences in a dry run and changes nothing', async () => {
    const before = await catalog.list();

    const result = await reconcile.execute({ dryRun: true });

    expect(result).toMatchObject({
      ok: true,
      value: { added: 1, updated: 1, removed: 2, unchanged: 1 },
    });
    expect(await catalog.list()).toEqual(before);
  });

  it('fails with REGISTRY_UNREADABLE and changes nothing when the list cannot be read', async () => {
    registry.catalogFailure = true;
    const before = await catalog.list();

    const result = await reconcile.execute({ dryRun: false });

    expect(result).toMatchObject({ ok: false, error: { code: 'REGISTRY_UNREADABLE' } });
    expect(!result.ok && result.error.message).toBe(
      "the registry's repository list could not be read: registry answered 500 to GET /v2/_catalog",
    );
    expect(await catalog.list()).toEqual(before);
  });

  it('leaves a repository whose tags cannot be read as it is and reports it', async () => {
    registry.failingRepositories.add('alice/app');

    const result = await reconcile.execute({ dryRun: false });

    expect(result).toMatchObject({
      ok: true,
      value: { failed: ['alice/app'], added: 1, removed: 1 },
    });
    expect(await names()).toEqual(['alice/app:v1=a,v2=b,v3=c', 'alice/tools/cli:1.0=f']);
  });

  it('lets a push that lands while the registry is read win over what was read', async () => {
    registry.beforeDescribe = async (repository, tag) => {
      if (repository !== 'alice/app' || tag !== 'v2') return;
      const later = new Date(NOW.getTime() + 1000);
      await catalog.recordTagPush(
        tagPush('alice/app', 'v2', { digest: digest('9'), pushedAt: later }),
      );
    };

    const result = await reconcile.execute({ dryRun: false });

    expect(result).toMatchObject({ ok: true, value: { updated: 0, unchanged: 2 } });
    expect((await catalog.find('alice/app'))?.tags.find((tag) => tag.name === 'v2')?.digest).toBe(
      digest('9'),
    );
  });

  it('reports progress once per repository, up to the total', async () => {
    const progress: string[] = [];

    await reconcile.execute({
      dryRun: true,
      onProgress: ({ done, total }) => progress.push(`${done}/${total}`),
    });

    expect(progress).toEqual(['1/3', '2/3', '3/3']);
  });

  it('finds nothing to do once the catalog equals the registry', async () => {
    await reconcile.execute({ dryRun: false });

    const again = await reconcile.execute({ dryRun: false });

    expect(again).toMatchObject({
      ok: true,
      value: { added: 0, updated: 0, removed: 0, unchanged: 3 },
    });
  });

  describe('image events', () => {
    it('logs each tag it adds, moves and removes, and each repository it removes', async () => {
      await reconcile.execute({ dryRun: false });

      // Repositories are reconciled concurrently: only each one's own events keep an order.
      const byRepository = (repository: string) =>
        events.logged
          .filter((e) => e.repository === repository)
          .map((e) => [e.kind, e.tag ?? '', e.digest?.[7] ?? '']);
      expect(byRepository('alice/app')).toEqual([
        ['tag-moved', 'v2', 'e'],
        ['tag-deleted', 'v3', 'c'],
      ]);
      expect(byRepository('alice/tools/cli')).toEqual([['pushed', '1.0', 'f']]);
      expect(byRepository('bob/gone')).toEqual([
        ['tag-deleted', 'latest', 'a'],
        ['repository-deleted', '', ''],
      ]);
      expect(events.logged).toHaveLength(5);
    });

    it('logs nothing in a dry run, nor when the catalog already equals the registry', async () => {
      await reconcile.execute({ dryRun: true });
      await reconcile.execute({ dryRun: false });
      const first = events.logged.length;

      await reconcile.execute({ dryRun: false });

      expect(first).toBe(5);
      expect(events.logged).toHaveLength(5);
    });

    it('changes nothing it could not log first', async () => {
      events.appendFailure = new Error('log down');
      const before = await names();

      await expect(reconcile.execute({ dryRun: false })).rejects.toThrow('log down');

      expect(await names()).toEqual(before);
    });
  });
});
