import type { Connection } from 'mongoose';

import { connectMongo } from '../../src/adapters/mongo/mongo-connection.js';
import { MongooseImageCatalog } from '../../src/adapters/mongo/mongoose-image-catalog.js';
import { repositoryModel } from '../../src/adapters/mongo/repository.schema.js';
import { newRepositoryDocuments } from '../../src/adapters/mongo/tag-push-update.js';
import type { TagPush } from '../../src/domain/ports/image-catalog.port.js';

export { tagPush } from './tag-push.js';

/** Writes pushes into the catalog database the way the service itself would. */
export async function seedCatalog(mongodbUri: string, pushes: readonly TagPush[]): Promise<void> {
  const connection = await connectMongo(mongodbUri, { serverSelectionTimeoutMs: 5000 });
  try {
    const catalog = new MongooseImageCatalog(repositoryModel(connection));
    for (const push of pushes) await catalog.recordTagPush(push);
  } finally {
    await connection.close();
  }
}

// Documents written per insertMany: large enough to be quick, small enough for FerretDB.
const SEED_BATCH = 1000;

/**
 * Writes repositories the catalog has never seen in the shape the service writes them (the
 * single insert of ImageCatalog.recordTagPushes), a thousand per round trip: fast enough for
 * tens of thousands. Pushes of one repository are grouped into its document.
 */
export async function seedManyRepositories(
  mongodbUri: string,
  pushes: readonly TagPush[],
): Promise<void> {
  const connection = await connectMongo(mongodbUri, { serverSelectionTimeoutMs: 5000 });
  try {
    await insertNewRepositories(connection, pushes);
  } finally {
    await connection.close();
  }
}

/** seedManyRepositories on a connection the caller holds, such as a benchmark's. */
export async function insertNewRepositories(
  connection: Connection,
  pushes: readonly TagPush[],
): Promise<void> {
  const collection = repositoryModel(connection).collection;
  const documents = newRepositoryDocuments(pushes);
  for (let first = 0; first < documents.length; first += SEED_BATCH) {
    await collection.insertMany(documents.slice(first, first + SEED_BATCH) as never[], {
      ordered: false,
    });
  }
}
