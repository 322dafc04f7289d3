import type { TagRecord } from '../catalog/image-repository.js';

/** What a change did to what readers of the catalog see. */
export type ImageEventKind = 'pushed' | 'tag-moved' | 'tag-deleted' | 'repository-deleted';

/** A change of the catalog, as watchers are told about it, before the log numbers it. */
export interface ImageChange {
  /**
   * Names the change itself, not the request that made it: the same tag version pushed or
   * deleted twice (a registry's retry, its echo of a gRPC Delete) has one key, and the log
   * keeps one event per key.
   */
  readonly key: string;
  readonly kind: ImageEventKind;
  readonly repository: string;
  readonly owner: string;
  /** Empty for a repository deleted as a whole. */
  readonly tag?: string;
  /** The manifest the tag points at now (pushed, moved) or pointed at (deleted). */
  readonly digest?: string;
  /** When the change happened: the registry's time for its events, the service's otherwise. */
  readonly occurredAt: Date;
}

/** A change as the log keeps it: numbered densely, in the order it was logged. */
export interface ImageEvent extends ImageChange {
  /** Increases by one from each event to the next; a watcher resumes after the last it saw. */
  readonly cursor: number;
}

/** A tag now pointing at a manifest; `previousDigest` is where it pointed before, if anywhere. */
export function tagPushed(
  push: {
    readonly repository: string;
    readonly owner: string;
    readonly tag: string;
    readonly digest: string;
    readonly pushedAt: Date;
  },
  previousDigest: string | undefined,
): ImageChange {
  const moved = previousDigest !== undefined && previousDigest !== push.digest;
  return {
    key: `tag:${push.repository}:${push.tag}:${push.digest}:${push.pushedAt.getTime()}`,
    kind: moved ? 'tag-moved' : 'pushed',
    repository: push.repository,
    owner: push.owner,
    tag: push.tag,
    digest: push.digest,
    occurredAt: push.pushedAt,
  };
}

/** The removal of one tag as it was stored: the same stored tag is deleted only once. */
export function tagDeleted(
  repository: { readonly name: string; readonly owner: string },
  tag: TagRecord,
  at: Date,
): ImageChange {
  return {
    key: `tag-deleted:${repository.name}:${tag.name}:${tag.digest}:${tag.pushedAt.getTime()}`,
    kind: 'tag-deleted',
    repository: repository.name,
    owner: repository.owner,
    tag: tag.name,
    digest: tag.digest,
    occurredAt: at,
  };
}

/** The removal of a whole repository as it was when last changed (`updated`). */
export function repositoryDeleted(
  repository: { readonly name: string; readonly owner: string; readonly updated: Date },
  at: Date,
): ImageChange {
  return {
    key: `repository-deleted:${repository.name}:${repository.updated.getTime()}`,
    kind: 'repository-deleted',
    repository: repository.name,
    owner: repository.owner,
    occurredAt: at,
  };
}
