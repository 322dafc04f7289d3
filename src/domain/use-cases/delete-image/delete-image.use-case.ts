import {
  imageNotFound,
  registryUnavailable,
  tagNotFound,
  tagSharesManifest,
  type CatalogError,
} from '../../catalog/catalog-error.js';
import { parseImageReference } from '../../catalog/image-reference.js';
import { deletionChanges } from '../../events/deletion-changes.js';
import type { Clock } from '../../ports/clock.port.js';
import type { ImageCatalog } from '../../ports/image-catalog.port.js';
import type { ImageEventLog } from '../../ports/image-event-log.port.js';
import {
  RegistryUnavailableError,
  TagSharesManifestError,
  type RegistryClient,
} from '../../ports/registry-client.port.js';
import { failure, success, type Result } from '../../shared/result.js';

export interface DeleteImageInput {
  /** `<username>/<imagename>` for the whole repository, `<username>/<imagename>:<tag>` for one tag. */
  readonly reference: string;
}

export interface DeletedImage {
  readonly repository: string;
  /** The one tag deleted, when the reference named one. */
  readonly tag?: string;
}

/**
 * Deletes a repository, or one of its tags, from the registry first and from the catalog after.
 *
 * The registry goes first so that a failure leaves the catalog showing what can still be pulled;
 * a retry then finishes the job. Fails with INVALID_IMAGE_NAME, IMAGE_NOT_FOUND, TAG_NOT_FOUND,
 * TAG_SHARES_MANIFEST (the registry cannot delete the tag alone) or REGISTRY_UNAVAILABLE.
 *
 * The deletion is appended to the image event log between the two, so that a failure to log
 * it leaves the catalog entry for a retry, which logs it under the same key.
 */
export class DeleteImage {
  constructor(
    private readonly catalog: ImageCatalog,
    private readonly registry: RegistryClient,
    private readonly clock: Clock,
    private readonly events: ImageEventLog,
  ) {}

  async execute(input: DeleteImageInput): Promise<Result<DeletedImage, CatalogError>> {
    const parsed = parseImageReference(input.reference, { allowDigest: false });
    if (!parsed.ok) return parsed;
    const { repository: name, tag } = parsed.value;

    const repository = await this.catalog.find(name);
    if (repository === undefined) return failure(imageNotFound(name));
    if (tag !== undefined && !repository.tags.some((record) => record.name === tag)) {
      return failure(tagNotFound(name, tag));
    }

    // Taken before the registry deletes: a push that lands after that is newer and stays.
    const deletedAt = this.clock.now();
    try {
      if (tag === undefined) await this.registry.deleteRepository(name);
      else await this.registry.deleteTag(name, tag);
    } catch (error) {
      if (error instanceof TagSharesManifestError) {
        return failure(tagSharesManifest(name, error.tag, error.otherTags));
      }
      if (error instanceof RegistryUnavailableError) {
        return failure(registryUnavailable(name, error));
      }
      throw error;
    }

    const changes = deletionChanges(repository, tag === undefined ? {} : { tag }, deletedAt);
    if (changes.length > 0) await this.events.append(changes, this.clock.now());

    // The registry's own delete events for these manifests arrive later and change nothing more.
    if (tag === undefined) await this.catalog.remove(name, deletedAt);
    else await this.catalog.removeTag(name, tag, deletedAt);

    return success(tag === undefined ? { repository: name } : { repository: name, tag });
  }
}
