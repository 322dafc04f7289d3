import { connectMongo } from '../../src/adapters/mongo/mongo-connection.js';
import { MongooseImageCatalog } from '../../src/adapters/mongo/mongoose-image-catalog.js';
import {
  repositoryModel,
  tagKey,
  type RepositoryDocument,
} from '../../src/adapters/mongo/repository.schema.js';
import { tagDocument } from '../../src/adapters/mongo/tag-push-update.js';
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
  const documents = new Map<string, RepositoryDocument>();
  for (const push of pushes) {
    const document = documents.get(push.repository) ?? {
      _id: push.repository,
      owner: push.owner,
      tags: {},
      updated: push.pushedAt,
    };
    document.tags[tagKey(push.tag)] = tagDocument(push);
    if (push.pushedAt > document.updated) document.updated = push.pushedAt;
    documents.set(push.repository, document);
  }

  const connection = await connectMongo(mongodbUri, { serverSelectionTimeoutMs: 5000 });
  try {
    const collection = repositoryModel(connection).collection;
    const all = [...documents.values()];
    for (let first = 0; first < all.length; first += SEED_BATCH) {
      await collection.insertMany(all.slice(first, first + SEED_BATCH) as never[]);
    }
  } finally {
    await connection.close();
  }
}
