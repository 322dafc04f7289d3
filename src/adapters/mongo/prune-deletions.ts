import type { KeyedSerializer } from './keyed-serializer.js';
import type { RepositoryModel } from './repository.schema.js';

// Missing and empty are the same to these fields: documents written before them lack them.
const NOTHING = { $in: [null, {}] };
const HOLDS_NOTHING = {
  tags: NOTHING,
  manifests: NOTHING,
  deletedTags: NOTHING,
  deletedDigests: NOTHING,
  deletedAt: null,
};

/**
 * Forgets the deletions a catalog remembers that are older than `before`, then deletes the
 * documents left with nothing in them. Each step is a conditional update run in the
 * repository's write queue, so a deletion or a push recorded meanwhile survives. Resolves to
 * how many repositories changed.
 */
export async function pruneDeletions(
  repositories: RepositoryModel,
  writes: KeyedSerializer,
  before: Date,
): Promise<number> {
  const remembering = await repositories
    .find(
      { lastDeletionAt: { $exists: true } },
      { deletedTags: 1, deletedDigests: 1, deletedAt: 1 },
    )
    .lean();

  const touched = new Set<string>();
  for (const document of remembering) {
    const old = oldDeletions(document, before);
    if (Object.keys(old).length === 0) continue;

    const unset = Object.fromEntries(Object.keys(old).map((path) => [path, '']));
    const result = await writes.run(document._id, () =>
      repositories.updateOne({ _id: document._id, ...old }, { $unset: unset }),
    );
    if (result.modifiedCount > 0) touched.add(document._id);
  }

  const empty = await repositories.find(HOLDS_NOTHING, { _id: 1 }).lean();
  for (const { _id } of empty) {
    const result = await writes.run(_id, () => repositories.deleteOne({ _id, ...HOLDS_NOTHING }));
    if (result.deletedCount > 0) touched.add(_id);
  }

  return touched.size;
}

/** A condition per deletion older than `before`: each still holds when it is forgotten. */
function oldDeletions(
  document: {
    readonly deletedTags?: Record<string, Date>;
    readonly deletedDigests?: Record<string, Date>;
    readonly deletedAt?: Date;
  },
  before: Date,
): Record<string, { $lt: Date }> {
  const old: Record<string, { $lt: Date }> = {};
  const maps = { deletedTags: document.deletedTags, deletedDigests: document.deletedDigests };

  for (const [map, deletions] of Object.entries(maps)) {
    for (const [key, at] of Object.entries(deletions ?? {})) {
      if (at < before) old[`${map}.${key}`] = { $lt: before };
    }
  }
  if (document.deletedAt !== undefined && document.deletedAt < before) {
    old['deletedAt'] = { $lt: before };
  }
  return old;
}
