import type { Connection } from 'mongoose';

import { ensureRepositoryIndexes } from '../src/adapters/mongo/repository.schema.js';
import { insertNewRepositories } from '../tests/support/catalog-seed.js';
import type { TagPushSample } from './event-envelopes.js';

const MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';

/**
 * Writes the repositories that `pushes` leave behind straight into the catalog's collection, in
 * the catalog's document shape, with insertMany: recording them through the service one by one
 * would take minutes on FerretDB. Ends by ensuring the service's indexes.
 */
export async function seedTagPushes(
  connection: Connection,
  pushes: readonly TagPushSample[],
): Promise<void> {
  await insertNewRepositories(
    connection,
    pushes.map((push) => ({ ...push, mediaType: MEDIA_TYPE })),
  );
  await ensureRepositoryIndexes(connection);
}
