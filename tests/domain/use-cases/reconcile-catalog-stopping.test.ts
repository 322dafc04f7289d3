import { beforeEach, describe, expect, it } from 'vitest';

import { ReconcileCatalog } from '../../../src/domain/use-cases/reconcile-catalog/reconcile-catalog.use-case.js';
import { InMemoryImageCatalog } from '../fakes/in-memory-image-catalog.js';
import { InMemoryImageEventLog } from '../fakes/in-memory-image-event-log.js';
import { ScriptedRegistryReader } from '../fakes/scripted-registry-reader.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const REPOSITORIES = Array.from({ length: 20 }, (_, index) => `alice/app-${index + 10}`);
// The use case examines this many repositories at once: all begin before the first is done.
const PARALLEL_REPOSITORIES = 8;

describe('ReconcileCatalog stopped by its signal', () => {
  let catalog: InMemoryImageCatalog;
  let registry: ScriptedRegistryReader;
  let reconcile: ReconcileCatalog;

  beforeEach(() => {
    catalog = new InMemoryImageCatalog();
    registry = new ScriptedRegistryReader();
    reconcile = new ReconcileCatalog(
      catalog,
      registry,
      { now: () => NOW },
      new InMemoryImageEventLog(),
    );
    for (const name of REPOSITORIES) {
      registry.hold(name, 'v1', {
        digest: `sha256:${'a'.repeat(64)}`,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        size: 400,
      });
    }
  });

  it('finishes the repositories it began, leaves the others and says it was interrupted', async () => {
    const stopping = new AbortController();
    // The service stops while the first repositories are being read.
    registry.beforeDescribe = async () => stopping.abort();

    const result = await reconcile.execute({ dryRun: false, signal: stopping.signal });

    expect(result).toEqual({
      ok: true,
      value: {
        repositories: REPOSITORIES.length,
        added: PARALLEL_REPOSITORIES,
        updated: 0,
        removed: 0,
        unchanged: 0,
        failed: [],
        skipped: [],
        interrupted: true,
      },
    });
    const stored = (await catalog.list()).map((entry) => entry.name);
    expect(stored).toEqual(REPOSITORIES.slice(0, PARALLEL_REPOSITORIES));
  });

  it('leaves the rest to the next run, which completes the catalog', async () => {
    const stopping = new AbortController();
    registry.beforeDescribe = async () => stopping.abort();
    await reconcile.execute({ dryRun: false, signal: stopping.signal });
    registry.beforeDescribe = undefined;

    const next = await reconcile.execute({ dryRun: false, signal: new AbortController().signal });

    expect(next.ok && next.value).toEqual({
      repositories: REPOSITORIES.length,
      added: REPOSITORIES.length - PARALLEL_REPOSITORIES,
      updated: 0,
      removed: 0,
      unchanged: PARALLEL_REPOSITORIES,
      failed: [],
      skipped: [],
    });
    expect(next.ok && 'interrupted' in next.value).toBe(false);
    expect((await catalog.list()).map((entry) => entry.name)).toEqual(REPOSITORIES);
  });
});
