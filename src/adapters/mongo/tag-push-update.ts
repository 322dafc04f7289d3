import type { TagPush } from '../../domain/ports/image-catalog.port.js';
import {
  digestKey,
  tagKey,
  type RepositoryDocument,
  type TagDocument,
} from './repository.schema.js';

export type Filter = Record<string, unknown>;
export type Update = Record<string, Record<string, unknown>>;

/**
 * The conditional upsert of one tag push: the tag moves only when this push is newer than the
 * stored tag and than any deletion of the tag, its digest or the repository, so that replays
 * and overtaken pushes change nothing.
 */
export function tagPushUpdate(push: TagPush): { filter: Filter; update: Update } {
  const tag = `tags.${tagKey(push.tag)}`;
  const deletedTag = `deletedTags.${tagKey(push.tag)}`;

  const filter = {
    _id: push.repository,
    $and: [
      { $or: [{ [tag]: { $exists: false } }, { [`${tag}.pushedAt`]: { $lt: push.pushedAt } }] },
      { [deletedTag]: { $not: { $gte: push.pushedAt } } },
      ...notDeletedSince(push.digest, push.pushedAt),
    ],
  };
  const update = {
    $set: {
      ...Object.fromEntries(
        Object.entries(tagDocument(push)).map(([field, value]) => [`${tag}.${field}`, value]),
      ),
      owner: push.owner,
    },
    // The live tag is newer than its deletion, so its own time guards it from now on.
    $unset: { [deletedTag]: '' },
    $max: { updated: push.pushedAt },
  };
  return { filter, update };
}

/**
 * The documents of repositories the catalog has never seen, one per repository of `pushes`,
 * holding all their tags: what one insert writes instead of an update per tag.
 */
export function newRepositoryDocuments(pushes: readonly TagPush[]): RepositoryDocument[] {
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
  return [...documents.values()];
}

// Pulls are left out: a tag that moves keeps its count.
export function tagDocument(push: TagPush): Omit<TagDocument, 'pulls' | 'lastPulledAt'> {
  const { tag: name, digest, mediaType, size, pushedAt } = push;
  return { name, digest, mediaType, size, pushedAt };
}

// A push at `at` loses to a deletion of its digest or of the repository at or after `at`.
export function notDeletedSince(digest: string, at: Date): Filter[] {
  return [
    { [`deletedDigests.${digestKey(digest)}`]: { $not: { $gte: at } } },
    { deletedAt: { $not: { $gte: at } } },
  ];
}
