import type { ImageRepository } from '../catalog/image-repository.js';

/** A manifest the registry stored, as a push by digest (no tag) reports it. */
export interface ManifestPush {
  readonly repository: string;
  /** The repository's first path component. */
  readonly owner: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly pushedAt: Date;
}

/** A manifest that a tag was seen to point at. */
export interface TagPush extends ManifestPush {
  readonly tag: string;
}

/** What a tag push found, and whether it moved the tag. */
export interface TagPushOutcome {
  readonly applied: boolean;
  /**
   * The tag as it was found: before this push when it applied (undefined for a new tag), as it
   * stays when it did not (undefined when the tag is not there).
   */
  readonly found?: { readonly digest: string; readonly pushedAt: Date };
}

/** One pull of a manifest through a tag. */
export interface TagPull {
  readonly repository: string;
  readonly tag: string;
  readonly pulledAt: Date;
}

/**
 * The stored catalog of the registry's repositories.
 *
 * Only repositories with at least one tag exist for readers. Every write is ordered by the time
 * it carries, not by when it arrives: a write never undoes a later one, so replayed and
 * reordered registry events leave the catalog as the registry is. To that end the catalog
 * remembers deletions (of a tag, a digest, a repository) until `pruneDeletions` forgets them.
 * Times compare at millisecond precision; on a tie a deletion wins and a push loses to what is
 * stored. Every method rejects with the storage's own error when the store cannot be reached;
 * callers treat that as unexpected.
 */
export interface ImageCatalog {
  /**
   * The repositories of `owner`, or of everyone when it is undefined, sorted by name (which keeps
   * each owner's repositories together, since the owner is the name's first component).
   */
  list(owner?: string): Promise<ImageRepository[]>;

  /**
   * At most `limit` repositories named after `after` (all when it is undefined), of `owner` or
   * of everyone, sorted by name: one page of `list`, read in name order so that a walk over
   * many pages costs one ranged read per page.
   */
  listPage(query: {
    readonly owner?: string;
    readonly after?: string;
    readonly limit: number;
  }): Promise<ImageRepository[]>;

  /** The repository called `name`, or undefined. */
  find(name: string): Promise<ImageRepository | undefined>;

  /**
   * Points `push.tag` at `push.digest` unless something at least as recent is known: the stored
   * tag, or a deletion of the tag, of the digest or of the repository. Resolves to whether it
   * applied and to the tag it found, read in the same atomic step as the write.
   */
  recordTagPush(push: TagPush): Promise<TagPushOutcome>;

  /**
   * Records pushes of distinct tags of one repository, each as recordTagPush would, and in a
   * single write when the catalog knows nothing of the repository yet (as when a catalog is
   * first filled from a registry). Resolves to the tags that applied.
   */
  recordTagPushes(pushes: readonly TagPush[]): Promise<string[]>;

  /**
   * Remembers a manifest pushed by digest alone (such as a platform manifest under an index),
   * with the same ordering rules as a tag push; it adds no tag. Resolves to whether it applied.
   */
  recordManifestPush(push: ManifestPush): Promise<boolean>;

  /** Counts a pull of the tag and keeps its latest time; resolves to false for an unknown tag. */
  recordPull(pull: TagPull): Promise<boolean>;

  /**
   * Removes one tag unless it was pushed after `at`, which counts as a change of the repository,
   * and remembers that the tag was deleted at `at`. Resolves to whether a tag was removed.
   */
  removeTag(name: string, tag: string, at: Date): Promise<boolean>;

  /**
   * Removes the manifest `digest` as deleted at `at`: every tag pointing at it and not pushed
   * later, and the manifest itself if it was pushed by digest. Resolves to whether a tag went.
   */
  removeDigest(name: string, digest: string, at: Date): Promise<boolean>;

  /**
   * Removes the repository as deleted at `at`: everything in it not pushed later. Resolves to
   * whether it had a tag to remove.
   */
  remove(name: string, at: Date): Promise<boolean>;

  /**
   * Forgets deletions made before `before`, and the repositories that hold nothing else; after
   * that, an event older than the deletion it lost to would apply again. Resolves to how many
   * repositories it touched.
   */
  pruneDeletions(before: Date): Promise<number>;
}
