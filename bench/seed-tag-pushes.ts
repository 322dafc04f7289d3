import type { Connection } from 'mongoose';

import {
  ensureRepositoryIndexes,
  repositoryModel,
  tagKey,
} from '../src/adapters/mongo/repository.schema.js';
import type { TagPushSample } from './event-envelopes.js';

const BATCH_SIZE = 1_000;

/**
 * Writes the repositories that `pushes` leave behind straight into the catalog's collection, in
 * the catalog's document shape, with insertMany: recording them through the service one by one
 * would take minutes on FerretDB. Ends by ensuring the service's indexes.
 */
export async function seedTagPushes(
  connection: Connection,
  pushes: readonly TagPushSample[],
): Promise<void> {
  const documents = new Map<
    string,
    { _id: string; owner: string; tags: Record<string, unknown>; updated: Date }
  >();
  for (const push of pushes) {
    const document = documents.get(push.repository) ?? {
      _id: push.repository,
      owner: push.owner,
      tags: {},
      updated: push.pushedAt,
    };
    document.tags[tagKey(push.tag)] = {
      name: push.tag,
      digest: push.digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: push.size,
      pushedAt: push.pushedAt,
    };
    document.updated = push.pushedAt;
    documents.set(push.repository, document);
  }

  const collection = repositoryModel(connection).collection;
  const all = [...documents.values()];
  for (let first = 0; first < all.length; first += BATCH_SIZE) {
    const batch = all.slice(first, first + BATCH_SIZE);
    await collection.insertMany(batch as never[], { ordered: false });
  }
  await ensureRepositoryIndexes(connection);
}
