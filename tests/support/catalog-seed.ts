import { connectMongo } from '../../src/adapters/mongo/mongo-connection.js';
import { MongooseImageCatalog } from '../../src/adapters/mongo/mongoose-image-catalog.js';
import { repositoryModel } from '../../src/adapters/mongo/repository.schema.js';
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
