import type { ImageRepository, TagRecord } from '../../domain/catalog/image-repository.js';
import type { ImageEvent as DomainImageEvent } from '../../domain/events/image-event.js';
import {
  ImageEventKind,
  type Image,
  type ImageEvent,
  type TagDetail,
} from '../../../generated/images_api.js';

/** What a client may do with an image it can see. */
const IMAGE_ACTIONS = ['push', 'pull'];

const EVENT_KINDS: Record<DomainImageEvent['kind'], ImageEventKind> = {
  pushed: ImageEventKind.IMAGE_EVENT_KIND_PUSHED,
  'tag-moved': ImageEventKind.IMAGE_EVENT_KIND_TAG_MOVED,
  'tag-deleted': ImageEventKind.IMAGE_EVENT_KIND_TAG_DELETED,
  'repository-deleted': ImageEventKind.IMAGE_EVENT_KIND_REPOSITORY_DELETED,
};

/** A repository as Find and List answer it; times in Unix seconds, as `updated` always was. */
export function toImageMessage(repository: ImageRepository): Image {
  return {
    type: 'repository',
    name: repository.name,
    updated: unixSeconds(repository.updated),
    tags: repository.tags.map((tag) => tag.name),
    actions: IMAGE_ACTIONS,
    tagDetails: repository.tags.map(toTagDetail),
  };
}

export function toImageEventMessage(event: DomainImageEvent): ImageEvent {
  return {
    cursor: String(event.cursor),
    kind: EVENT_KINDS[event.kind],
    username: event.owner,
    name: event.repository,
    tag: event.tag ?? '',
    digest: event.digest ?? '',
    time: unixSeconds(event.occurredAt),
  };
}

function toTagDetail(tag: TagRecord): TagDetail {
  return {
    tag: tag.name,
    digest: tag.digest,
    size: tag.size,
    mediaType: tag.mediaType,
    pushed: unixSeconds(tag.pushedAt),
    pulls: tag.pulls,
    lastPulled: tag.lastPulledAt === undefined ? 0 : unixSeconds(tag.lastPulledAt),
  };
}

function unixSeconds(time: Date): number {
  return Math.floor(time.getTime() / 1000);
}
