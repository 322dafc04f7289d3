import { isDuplicateKey } from './duplicate-key.js';
import type { RepositoryDocument, RepositoryModel } from './repository.schema.js';
import type { Filter, Update } from './tag-push-update.js';

/** A repository document as read back from a write; its tags are all these callers read. */
export type WrittenRepository = Partial<Pick<RepositoryDocument, 'tags'>>;

/**
 * Applies `update` to the repository matching `filter`, creating it when no document has the
 * id yet. Resolves to whether anything was written.
 */
export async function upsertWhere(
  repositories: RepositoryModel,
  filter: Filter,
  update: Update,
): Promise<boolean> {
  try {
    const result = await repositories.updateOne(filter, update, { upsert: true });
    return result.modifiedCount + result.upsertedCount > 0;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }

  // The upsert found no match and its insert hit an existing document: either that document
  // fails the condition, or a concurrent upsert created it first. Without upsert, the
  // condition decides against the document as it now is.
  const retried = await repositories.updateOne(filter, update);
  return retried.modifiedCount > 0;
}

/**
 * upsertWhere that also hands back the document as it was before the write, in the same
 * atomic step: undefined when the write created it, 'no match' when it exists and fails the
 * condition (nothing was written).
 */
export async function upsertWhereReturningBefore(
  repositories: RepositoryModel,
  filter: Filter,
  update: Update,
): Promise<WrittenRepository | undefined | 'no match'> {
  // The bare driver: the filter and update hold plain values, which Mongoose would only cast
  // again on the hottest path of event ingestion. No projection: FerretDB 1.x refuses one on
  // findAndModify ("fields" is not implemented).
  const collection = repositories.collection;
  const options = { returnDocument: 'before' as const };
  try {
    const before = await collection.findOneAndUpdate(filter, update, { ...options, upsert: true });
    return (before as WrittenRepository | null) ?? undefined;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }

  // As in upsertWhere: the insert met an existing document; the condition decides alone now.
  const before = await collection.findOneAndUpdate(filter, update, options);
  return (before as WrittenRepository | null) ?? 'no match';
}
