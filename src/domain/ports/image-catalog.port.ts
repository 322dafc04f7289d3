import type { ImageRepository } from '../catalog/image-repository.js';

/** A manifest that a tag was seen to point at. */
export interface TagPush {
  readonly repository: string;
  /** The repository's first path component. */
  readonly owner: string;
  readonly tag: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly pushedAt: Date;
}

/**
 * The stored catalog of the registry's repositories.
 *
 * Only repositories with at least one tag exist for readers. Every method rejects with the
 * storage's own error when the store cannot be reached; callers treat that as unexpected.
 */
export interface ImageCatalog {
  /**
   * The repositories of `owner`, or of everyone when it is undefined, sorted by name (which keeps
   * each owner's repositories together, since the owner is the name's first component).
   */
  list(owner?: string): Promise<ImageRepository[]>;

  /** The repository called `name`, or undefined. */
  find(name: string): Promise<ImageRepository | undefined>;

  /**
   * Points `push.tag` at `push.digest` unless the stored tag was pushed at the same time or
   * later, so that replayed and reordered pushes change nothing. Resolves to whether it applied.
   */
  recordTagPush(push: TagPush): Promise<boolean>;

  /** Removes the repository; resolves to false when there was none. */
  remove(name: string): Promise<boolean>;

  /**
   * Removes one tag of the repository, which counts as a change at `at`; the repository goes
   * with its last tag. Resolves to false when it had no such tag.
   */
  removeTag(name: string, tag: string, at: Date): Promise<boolean>;
}
