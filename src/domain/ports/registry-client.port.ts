/** The registry could not be reached or answered something other than success or not-found. */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
}

/**
 * The registry can only delete manifests, and other tags point at the tag's manifest: deleting
 * it would take them too.
 */
export class TagSharesManifestError extends Error {
  override readonly name = 'TagSharesManifestError';

  constructor(
    readonly repository: string,
    readonly tag: string,
    readonly otherTags: readonly string[],
  ) {
    const others = otherTags.map((other) => `"${other}"`).join(', ');
    super(`tag "${tag}" of "${repository}" shares its manifest with ${others}`);
  }
}

/**
 * The Docker Registry that stores the images.
 *
 * Deleting what the registry does not have is a success: the goal is that it is gone.
 * Every method rejects with RegistryUnavailableError when the registry cannot do what was asked.
 */
export interface RegistryClient {
  /** Deletes every manifest of the repository, so that none of its tags can be pulled. */
  deleteRepository(repository: string): Promise<void>;

  /**
   * Deletes one tag and keeps the others. A registry that cannot delete tags (distribution 2.x)
   * gets the tag's manifest deleted instead, unless another tag points at it: then this rejects
   * with TagSharesManifestError and nothing is deleted.
   */
  deleteTag(repository: string, tag: string): Promise<void>;
}
