import type { ImageRepository, TagRecord } from '../../domain/catalog/image-repository.js';
import type { TagPushOutcome } from '../../domain/ports/image-catalog.port.js';
import type { WrittenRepository } from './conditional-upsert.js';
import { tagKey, type RepositoryDocument, type TagDocument } from './repository.schema.js';

/** A stored repository as readers see it: tags sorted by name, pull counts filled in. */
export function toImageRepository(document: RepositoryDocument): ImageRepository {
  const tags = Object.values(document.tags)
    .map(toTagRecord)
    .sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));

  return { name: document._id, owner: document.owner, tags, updated: document.updated };
}

/** The tag `tag` of `document`, as a TagPushOutcome reports it. */
export function found(
  document: WrittenRepository | undefined,
  tag: string,
): Pick<TagPushOutcome, 'found'> {
  const stored = document?.tags?.[tagKey(tag)];
  return stored === undefined
    ? {}
    : { found: { digest: stored.digest, pushedAt: stored.pushedAt } };
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
