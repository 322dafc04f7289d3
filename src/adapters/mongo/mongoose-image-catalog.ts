import type { ImageRepository } from '../../domain/catalog/image-repository.js';
import type {
  ImageCatalog,
  ManifestPush,
  TagPull,
  TagPush,
  TagPushOutcome,
} from '../../domain/ports/image-catalog.port.js';
import {
  upsertWhere,
  upsertWhereReturningBefore,
  type WrittenRepository,
} from './conditional-upsert.js';
import { isDuplicateKey } from './duplicate-key.js';
import { KeyedSerializer } from './keyed-serializer.js';
import { pruneDeletions } from './prune-deletions.js';
import { found, toImageRepository } from './repository-mapping.js';
import { digestKey, tagKey, type RepositoryModel, type TagDocument } from './repository.schema.js';
import { newRepositoryDocuments, notDeletedSince, tagPushUpdate } from './tag-push-update.js';

/**
 * The image catalog in MongoDB (or a wire-compatible server), one document per repository.
 *
 * Every write is one atomic conditional update: the condition compares the event's time with
 * what the document holds, so that concurrent writers on MongoDB never undo a later change.
 * Deletions are remembered in the document itself (`deletedTags`, `deletedDigests`,
 * `deletedAt`) for the same reason: a push and the deletion it lost to are judged in one update.
 */
export class MongooseImageCatalog implements ImageCatalog {
  // Writes to one repository queue here; see KeyedSerializer for why MongoDB alone would not.
  private readonly writes = new KeyedSerializer();

  constructor(private readonly repositories: RepositoryModel) {}

  async list(owner?: string): Promise<ImageRepository[]> {
    const filter = { ...(owner === undefined ? {} : { owner }), tags: { $ne: {} } };
    const documents = await this.repositories.find(filter).sort({ _id: 1 }).lean();
    return documents.map(toImageRepository);
  }

  async listPage(query: {
    readonly owner?: string;
    readonly after?: string;
    readonly limit: number;
  }): Promise<ImageRepository[]> {
    // A range on `_id` and the `_id` order: the walk reads the primary key, never an offset.
    const filter = {
      ...(query.owner === undefined ? {} : { owner: query.owner }),
      ...(query.after === undefined ? {} : { _id: { $gt: query.after } }),
      tags: { $ne: {} },
    };
    const documents = await this.repositories
      .find(filter)
      .sort({ _id: 1 })
      .limit(query.limit)
      .lean();
    return documents.map(toImageRepository);
  }

  async find(name: string): Promise<ImageRepository | undefined> {
    const document = await this.repositories.findById(name).lean();
    if (document === null || Object.keys(document.tags ?? {}).length === 0) return undefined;
    return toImageRepository(document);
  }

  async recordTagPush(push: TagPush): Promise<TagPushOutcome> {
    const { filter, update } = tagPushUpdate(push);
    const path = `tags.${tagKey(push.tag)}`;

    return this.writes.run(push.repository, async () => {
      // One round trip in the common case: the write hands back the tag it replaced.
      const before = await upsertWhereReturningBefore(this.repositories, filter, update);
      if (before !== 'no match') return { applied: true, ...found(before, push.tag) };

      const stored = await this.repositories
        .findById(push.repository, { [path]: 1 })
        .lean<WrittenRepository>();
      return { applied: false, ...found(stored ?? undefined, push.tag) };
    });
  }

  async recordTagPushes(pushes: readonly TagPush[]): Promise<string[]> {
    const first = pushes[0];
    if (first === undefined) return [];

    return this.writes.run(first.repository, async () => {
      // A repository the catalog has never seen has no tag or deletion to compare with: one
      // insert holds every tag (FerretDB scans the collection for each update, not for this).
      const [document] = newRepositoryDocuments(pushes);
      try {
        await this.repositories.collection.insertOne(document as never);
        return pushes.map((push) => push.tag);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }

      const applied: string[] = [];
      for (const push of pushes) {
        const { filter, update } = tagPushUpdate(push);
        if (await upsertWhere(this.repositories, filter, update)) applied.push(push.tag);
      }
      return applied;
    });
  }

  async recordManifestPush(push: ManifestPush): Promise<boolean> {
    const manifest = `manifests.${digestKey(push.digest)}`;

    const filter = {
      _id: push.repository,
      $and: [
        {
          $or: [
            { [manifest]: { $exists: false } },
            { [`${manifest}.pushedAt`]: { $lt: push.pushedAt } },
          ],
        },
        ...notDeletedSince(push.digest, push.pushedAt),
      ],
    };
    const { digest, mediaType, size, pushedAt } = push;
    const update = {
      $set: { [manifest]: { digest, mediaType, size, pushedAt }, owner: push.owner },
    };

    return this.writes.run(push.repository, () => upsertWhere(this.repositories, filter, update));
  }

  async recordPull(pull: TagPull): Promise<boolean> {
    const tag = `tags.${tagKey(pull.tag)}`;

    return this.writes.run(pull.repository, async () => {
      const result = await this.repositories.updateOne(
        { _id: pull.repository, [tag]: { $exists: true } },
        { $inc: { [`${tag}.pulls`]: 1 }, $max: { [`${tag}.lastPulledAt`]: pull.pulledAt } },
      );
      return result.modifiedCount > 0;
    });
  }

  async removeTag(name: string, tag: string, at: Date): Promise<boolean> {
    const path = `tags.${tagKey(tag)}`;
    const deleted = { [`deletedTags.${tagKey(tag)}`]: at, lastDeletionAt: at };

    return this.writes.run(name, async () => {
      const removed = await this.repositories.updateOne(
        { _id: name, [`${path}.pushedAt`]: { $lte: at } },
        { $unset: { [path]: '' }, $max: { updated: at, ...deleted } },
      );
      if (removed.modifiedCount > 0) return true;

      // No such tag, or a newer one that needs no reminder: remember the deletion for a push
      // that is older but arrives later.
      await upsertWhere(
        this.repositories,
        { _id: name, [path]: { $exists: false } },
        { $max: deleted },
      );
      return false;
    });
  }

  async removeDigest(name: string, digest: string, at: Date): Promise<boolean> {
    const key = digestKey(digest);

    return this.writes.run(name, async () => {
      // Remembered first: a push of the digest that races the removals below then loses.
      await upsertWhere(
        this.repositories,
        { _id: name },
        { $max: { [`deletedDigests.${key}`]: at, lastDeletionAt: at } },
      );
      await this.repositories.updateOne(
        { _id: name, [`manifests.${key}.pushedAt`]: { $lte: at } },
        { $unset: { [`manifests.${key}`]: '' } },
      );

      const tags = await this.storedTags(name);
      let removed = false;
      for (const tag of tags.filter(
        (stored) => stored.digest === digest && stored.pushedAt <= at,
      )) {
        const path = `tags.${tagKey(tag.name)}`;
        // The tag is known up to its push; a different push of it, made between that push and
        // this deletion, still applies when it arrives late.
        const result = await this.repositories.updateOne(
          { _id: name, [`${path}.digest`]: digest, [`${path}.pushedAt`]: { $lte: at } },
          {
            $unset: { [path]: '' },
            $max: { updated: at, [`deletedTags.${tagKey(tag.name)}`]: tag.pushedAt },
          },
        );
        removed ||= result.modifiedCount > 0;
      }
      return removed;
    });
  }

  async remove(name: string, at: Date): Promise<boolean> {
    return this.writes.run(name, async () => {
      // Remembered first, so that no push older than the deletion can land after the removals.
      await upsertWhere(
        this.repositories,
        { _id: name },
        { $max: { deletedAt: at, lastDeletionAt: at } },
      );

      const document = await this.repositories.findById(name, { tags: 1, manifests: 1 }).lean();
      const manifests = Object.entries(document?.manifests ?? {});
      for (const [key] of manifests.filter(([, stored]) => stored.pushedAt <= at)) {
        await this.repositories.updateOne(
          { _id: name, [`manifests.${key}.pushedAt`]: { $lte: at } },
          { $unset: { [`manifests.${key}`]: '' } },
        );
      }

      let removed = false;
      for (const tag of Object.values(document?.tags ?? {}).filter((t) => t.pushedAt <= at)) {
        const path = `tags.${tagKey(tag.name)}`;
        const result = await this.repositories.updateOne(
          { _id: name, [`${path}.pushedAt`]: { $lte: at } },
          { $unset: { [path]: '' }, $max: { updated: at } },
        );
        removed ||= result.modifiedCount > 0;
      }
      return removed;
    });
  }

  async pruneDeletions(before: Date): Promise<number> {
    return pruneDeletions(this.repositories, this.writes, before);
  }

  private async storedTags(name: string): Promise<TagDocument[]> {
    const document = await this.repositories.findById(name, { tags: 1 }).lean();
    return Object.values(document?.tags ?? {});
  }
}
