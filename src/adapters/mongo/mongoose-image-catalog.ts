import type { ImageRepository, TagRecord } from '../../domain/catalog/image-repository.js';
import type { ImageCatalog, TagPush } from '../../domain/ports/image-catalog.port.js';
import { KeyedSerializer } from './keyed-serializer.js';
import { tagKey, type RepositoryDocument, type RepositoryModel, type TagDocument } from './repository.schema.js';

const DUPLICATE_KEY = 11000;

/** The image catalog in MongoDB (or a wire-compatible server), one document per repository. */
export class MongooseImageCatalog implements ImageCatalog {
  // Writes to one repository queue here; see KeyedSerializer for why MongoDB alone would not.
  private readonly writes = new KeyedSerializer();

  constructor(private readonly repositories: RepositoryModel) {}

  async list(owner?: string): Promise<ImageRepository[]> {
    const filter = { ...(owner === undefined ? {} : { owner }), tags: { $ne: {} } };
    const documents = await this.repositories.find(filter).sort({ _id: 1 }).lean();
    return documents.map(toImageRepository);
  }

  async find(name: string): Promise<ImageRepository | undefined> {
    const document = await this.repositories.findById(name).lean();
    if (document === null || Object.keys(document.tags).length === 0) return undefined;
    return toImageRepository(document);
  }

  async recordTagPush(push: TagPush): Promise<boolean> {
    return this.writes.run(push.repository, () => this.applyTagPush(push));
  }

  async remove(name: string): Promise<boolean> {
    return this.writes.run(name, async () => {
      const result = await this.repositories.deleteOne({ _id: name });
      return result.deletedCount > 0;
    });
  }

  async removeTag(name: string, tag: string, at: Date): Promise<boolean> {
    return this.writes.run(name, () => this.applyTagRemoval(name, tag, at));
  }

  private async applyTagPush(push: TagPush): Promise<boolean> {
    const path = `tags.${tagKey(push.tag)}`;

    // The tag moves only when this push is newer than the stored one: replays change nothing.
    const newerThanStored = {
      _id: push.repository,
      $or: [{ [path]: { $exists: false } }, { [`${path}.pushedAt`]: { $lt: push.pushedAt } }],
    };
    const update = {
      $set: {
        [`${path}.name`]: push.tag,
        [`${path}.digest`]: push.digest,
        [`${path}.mediaType`]: push.mediaType,
        [`${path}.size`]: push.size,
        [`${path}.pushedAt`]: push.pushedAt,
      },
      $max: { updated: push.pushedAt },
      $setOnInsert: { owner: push.owner },
    };

    try {
      const result = await this.repositories.updateOne(newerThanStored, update, { upsert: true });
      return result.modifiedCount + result.upsertedCount > 0;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }

    // The upsert found no match and its insert hit an existing document: either that document
    // holds a newer push, or a concurrent upsert created it first. Without upsert, the
    // condition decides against the document as it now is.
    const retried = await this.repositories.updateOne(newerThanStored, update);
    return retried.modifiedCount > 0;
  }

  private async applyTagRemoval(name: string, tag: string, at: Date): Promise<boolean> {
    const path = `tags.${tagKey(tag)}`;

    const result = await this.repositories.updateOne(
      { _id: name, [path]: { $exists: true } },
      { $unset: { [path]: '' }, $max: { updated: at } },
    );
    if (result.modifiedCount === 0) return false;

    // The condition keeps a tag pushed meanwhile from being deleted with the document.
    await this.repositories.deleteOne({ _id: name, tags: {} });
    return true;
  }
}

function toImageRepository(document: RepositoryDocument): ImageRepository {
  const tags = Object.values(document.tags)
    .map(toTagRecord)
    .sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));

  return { name: document._id, owner: document.owner, tags, updated: document.updated };
}

function toTagRecord(tag: TagDocument): TagRecord {
  return {
    name: tag.name,
    digest: tag.digest,
    mediaType: tag.mediaType,
    size: tag.size,
    pushedAt: tag.pushedAt,
    pulls: tag.pulls ?? 0,
    ...(tag.lastPulledAt === undefined ? {} : { lastPulledAt: tag.lastPulledAt }),
  };
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === DUPLICATE_KEY;
}
