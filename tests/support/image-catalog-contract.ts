import fc from 'fast-check';
import { expect, it } from 'vitest';

import type { ImageCatalog } from '../../src/domain/ports/image-catalog.port.js';
import { tagPush } from './tag-push.js';

/** One registry operation, as the catalog receives it. */
export type CatalogOperation =
  | { readonly kind: 'push'; readonly tag: string; readonly digest: string; readonly at: number }
  | { readonly kind: 'push-digest'; readonly digest: string; readonly at: number }
  | { readonly kind: 'delete-tag'; readonly tag: string; readonly at: number }
  | { readonly kind: 'delete-digest'; readonly digest: string; readonly at: number }
  | { readonly kind: 'delete-repository'; readonly at: number };

export const digestOf = (letter: string): string => `sha256:${letter.repeat(64)}`;
const time = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);

/** Applies one operation to `repository`; times are seconds after a fixed instant. */
export async function applyOperation(
  catalog: ImageCatalog,
  repository: string,
  operation: CatalogOperation,
): Promise<void> {
  const at = time(operation.at);
  switch (operation.kind) {
    case 'push':
      await catalog.recordTagPush(
        tagPush(repository, operation.tag, { digest: digestOf(operation.digest), pushedAt: at }),
      );
      return;
    case 'push-digest': {
      const { tag: _tag, ...manifest } = tagPush(repository, 'unused', {
        digest: digestOf(operation.digest),
        pushedAt: at,
      });
      await catalog.recordManifestPush(manifest);
      return;
    }
    case 'delete-tag':
      await catalog.removeTag(repository, operation.tag, at);
      return;
    case 'delete-digest':
      await catalog.removeDigest(repository, digestOf(operation.digest), at);
      return;
    case 'delete-repository':
      await catalog.remove(repository, at);
      return;
  }
}

/**
 * A registry's history, in the order it happened, with the delete events registries send
 * (a digest's tags are reported deleted right after it), and what it leaves.
 */
export const HISTORIES: readonly {
  readonly name: string;
  readonly operations: readonly CatalogOperation[];
  readonly leaves: Readonly<Record<string, { digest: string; at: number }>>;
}[] = [
  {
    name: 'tags moved, digests deleted, tags re-pushed',
    operations: [
      { kind: 'push', tag: 'v1', digest: 'a', at: 1 },
      { kind: 'push', tag: 'v2', digest: 'a', at: 2 },
      { kind: 'push-digest', digest: 'd', at: 3 },
      { kind: 'push', tag: 'v1', digest: 'b', at: 4 },
      { kind: 'delete-digest', digest: 'a', at: 5 },
      { kind: 'delete-tag', tag: 'v2', at: 5.5 },
      { kind: 'push', tag: 'v2', digest: 'c', at: 6 },
      { kind: 'push', tag: 'v3', digest: 'c', at: 7 },
      { kind: 'delete-tag', tag: 'v1', at: 8 },
      { kind: 'push', tag: 'v1', digest: 'e', at: 9 },
      { kind: 'delete-digest', digest: 'c', at: 10 },
      { kind: 'delete-tag', tag: 'v2', at: 10.2 },
      { kind: 'delete-tag', tag: 'v3', at: 10.4 },
      { kind: 'push', tag: 'v4', digest: 'f', at: 11 },
      { kind: 'push', tag: 'v5', digest: 'a', at: 12 },
    ],
    leaves: {
      v1: { digest: 'e', at: 9 },
      v4: { digest: 'f', at: 11 },
      v5: { digest: 'a', at: 12 },
    },
  },
  {
    name: 'a repository deleted and pushed to again',
    operations: [
      { kind: 'push', tag: 'v1', digest: 'a', at: 1 },
      { kind: 'push', tag: 'v2', digest: 'b', at: 2 },
      { kind: 'push-digest', digest: 'c', at: 2.5 },
      { kind: 'delete-repository', at: 3 },
      { kind: 'push', tag: 'v1', digest: 'c', at: 4 },
    ],
    leaves: { v1: { digest: 'c', at: 4 } },
  },
];

async function tagsOf(catalog: ImageCatalog, repository: string) {
  const found = await catalog.find(repository);
  return Object.fromEntries(
    (found?.tags ?? []).map((tag) => [tag.name, { digest: tag.digest, pushedAt: tag.pushedAt }]),
  );
}

function expected(leaves: Readonly<Record<string, { digest: string; at: number }>>) {
  return Object.fromEntries(
    Object.entries(leaves).map(([tag, { digest, at }]) => [
      tag,
      { digest: digestOf(digest), pushedAt: time(at) },
    ]),
  );
}

/**
 * The ordering rules every ImageCatalog keeps (see its TSDoc), as tests; `catalog` returns the
 * instance under test, fresh or emptied for each test. `runs` bounds the random orders tried.
 */
export function imageCatalogContract(catalog: () => ImageCatalog, runs: number): void {
  let serial = 0;
  const freshRepository = () => `alice/contract-${(serial += 1)}`;

  for (const history of HISTORIES) {
    it(`ends as the registry did, whatever the order, for ${history.name}`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.shuffledSubarray([...history.operations], {
            minLength: history.operations.length,
          }),
          async (order) => {
            const repository = freshRepository();
            for (const operation of order) await applyOperation(catalog(), repository, operation);
            expect(await tagsOf(catalog(), repository)).toEqual(expected(history.leaves));
          },
        ),
        { numRuns: runs, seed: 4242 },
      );
    });

    it(`changes nothing when events of ${history.name} are replayed`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...history.operations), {
            maxLength: 3 * history.operations.length,
          }),
          async (replays) => {
            const repository = freshRepository();
            for (const operation of history.operations) {
              await applyOperation(catalog(), repository, operation);
            }
            const before = await catalog().find(repository);

            for (const operation of replays) await applyOperation(catalog(), repository, operation);
            expect(await catalog().find(repository)).toEqual(before);
          },
        ),
        { numRuns: runs, seed: 4343 },
      );
    });
  }

  it('records several tags of a new repository at once and reports each', async () => {
    const pushes = ['v1', 'v2', 'v1.2'].map((tag, index) =>
      tagPush('alice/new', tag, { digest: digestOf(String(index)), pushedAt: time(index) }),
    );

    expect(await catalog().recordTagPushes(pushes)).toEqual(['v1', 'v2', 'v1.2']);

    expect(await tagsOf(catalog(), 'alice/new')).toEqual(
      expected({
        v1: { digest: '0', at: 0 },
        v2: { digest: '1', at: 1 },
        'v1.2': { digest: '2', at: 2 },
      }),
    );
    expect((await catalog().find('alice/new'))?.updated).toEqual(time(2));
  });

  it('applies several tags of a known repository by the usual rules', async () => {
    await applyOperation(catalog(), 'alice/app', { kind: 'push', tag: 'v1', digest: 'a', at: 5 });
    await applyOperation(catalog(), 'alice/app', { kind: 'delete-tag', tag: 'v2', at: 5 });
    const pushes = ['v1', 'v2', 'v3'].map((tag) =>
      tagPush('alice/app', tag, { digest: digestOf('b'), pushedAt: time(4) }),
    );

    expect(await catalog().recordTagPushes(pushes)).toEqual(['v3']);
    expect(await catalog().recordTagPushes([])).toEqual([]);

    expect(await tagsOf(catalog(), 'alice/app')).toEqual(
      expected({ v1: { digest: 'a', at: 5 }, v3: { digest: 'b', at: 4 } }),
    );
  });

  it('keeps a manifest pushed by digest out of sight until a tag points at it', async () => {
    await applyOperation(catalog(), 'alice/app', { kind: 'push-digest', digest: 'a', at: 1 });

    expect(await catalog().find('alice/app')).toBeUndefined();
    expect(await catalog().list()).toEqual([]);
  });

  it('lets a push at the same instant as a deletion of its tag lose', async () => {
    await applyOperation(catalog(), 'alice/app', { kind: 'delete-tag', tag: 'v1', at: 5 });
    await applyOperation(catalog(), 'alice/app', { kind: 'push', tag: 'v1', digest: 'a', at: 5 });

    expect(await catalog().find('alice/app')).toBeUndefined();
  });

  it('keeps a tag pushed after the deletion of its repository that arrived first', async () => {
    await applyOperation(catalog(), 'alice/app', { kind: 'push', tag: 'v2', digest: 'b', at: 4 });

    expect(await catalog().remove('alice/app', time(3))).toBe(false);
    expect(await tagsOf(catalog(), 'alice/app')).toEqual(expected({ v2: { digest: 'b', at: 4 } }));
  });

  it('reports whether a removal took something a reader could see', async () => {
    await applyOperation(catalog(), 'alice/app', { kind: 'push', tag: 'v1', digest: 'a', at: 1 });

    expect(await catalog().removeDigest('alice/app', digestOf('b'), time(2))).toBe(false);
    expect(await catalog().removeDigest('alice/app', digestOf('a'), time(2))).toBe(true);
    expect(await catalog().removeTag('alice/app', 'v1', time(3))).toBe(false);
    expect(await catalog().remove('alice/app', time(4))).toBe(false);
  });

  it('advances updated with each push and removal and never moves it back', async () => {
    await applyOperation(catalog(), 'alice/app', { kind: 'push', tag: 'v1', digest: 'a', at: 1 });
    await applyOperation(catalog(), 'alice/app', { kind: 'push', tag: 'v2', digest: 'b', at: 5 });
    await applyOperation(catalog(), 'alice/app', { kind: 'delete-tag', tag: 'v1', at: 3 });

    expect((await catalog().find('alice/app'))?.updated).toEqual(time(5));
    await applyOperation(catalog(), 'alice/app', { kind: 'delete-digest', digest: 'z', at: 9 });
    expect((await catalog().find('alice/app'))?.updated).toEqual(time(5));
  });

  it('counts pulls per tag with the latest pull time, and keeps both when the tag moves', async () => {
    await applyOperation(catalog(), 'alice/app', { kind: 'push', tag: 'v1', digest: 'a', at: 1 });
    await catalog().recordPull({ repository: 'alice/app', tag: 'v1', pulledAt: time(3) });
    await catalog().recordPull({ repository: 'alice/app', tag: 'v1', pulledAt: time(2) });
    await applyOperation(catalog(), 'alice/app', { kind: 'push', tag: 'v1', digest: 'b', at: 4 });

    expect((await catalog().find('alice/app'))?.tags).toEqual([
      expect.objectContaining({
        name: 'v1',
        digest: digestOf('b'),
        pulls: 2,
        lastPulledAt: time(3),
      }),
    ]);
    expect(
      await catalog().recordPull({ repository: 'alice/app', tag: 'v9', pulledAt: time(5) }),
    ).toBe(false);
  });

  it('forgets old deletions when pruned, so that an older push applies again', async () => {
    await applyOperation(catalog(), 'alice/old', { kind: 'delete-tag', tag: 'v1', at: 5 });
    await applyOperation(catalog(), 'alice/new', { kind: 'delete-tag', tag: 'v1', at: 50 });

    expect(await catalog().pruneDeletions(time(10))).toBe(1);
    await applyOperation(catalog(), 'alice/old', { kind: 'push', tag: 'v1', digest: 'a', at: 4 });
    await applyOperation(catalog(), 'alice/new', { kind: 'push', tag: 'v1', digest: 'a', at: 40 });

    expect(await tagsOf(catalog(), 'alice/old')).toEqual(expected({ v1: { digest: 'a', at: 4 } }));
    expect(await catalog().find('alice/new')).toBeUndefined();
  });

  it('keeps every tag when pruning the deletions beside them', async () => {
    await applyOperation(catalog(), 'alice/app', { kind: 'push', tag: 'v1', digest: 'a', at: 1 });
    await applyOperation(catalog(), 'alice/app', { kind: 'delete-tag', tag: 'v0', at: 2 });

    expect(await catalog().pruneDeletions(time(100))).toBe(1);

    expect(await tagsOf(catalog(), 'alice/app')).toEqual(expected({ v1: { digest: 'a', at: 1 } }));
  });
}
