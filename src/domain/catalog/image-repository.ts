/** One tag of a repository and the manifest it points at. */
export interface TagRecord {
  readonly name: string;
  readonly digest: string;
  readonly mediaType: string;
  /** The manifest's size in bytes, as the registry reported it. */
  readonly size: number;
  readonly pushedAt: Date;
  readonly pulls: number;
  readonly lastPulledAt?: Date;
}

/** A repository of the registry as the catalog knows it. */
export interface ImageRepository {
  /** The full path, e.g. `alice/tools/cli`. */
  readonly name: string;
  /** The first path component of the name. */
  readonly owner: string;
  /** Sorted by name; never empty for a repository the catalog returns. */
  readonly tags: readonly TagRecord[];
  /** When the repository last changed. */
  readonly updated: Date;
}

/** A user's repositories, as List returns them. */
export interface OwnerImages {
  readonly owner: string;
  readonly repositories: readonly ImageRepository[];
}
