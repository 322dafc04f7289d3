import { userHasNoImages, type CatalogError } from '../../catalog/catalog-error.js';
import { groupByOwner } from '../../catalog/group-by-owner.js';
import type { OwnerImages } from '../../catalog/image-repository.js';
import type { ImageCatalog } from '../../ports/image-catalog.port.js';
import { failure, success, type Result } from '../../shared/result.js';

export interface ListImagesInput {
  /** Whose images; empty or absent means everyone's. */
  readonly owner?: string;
}

/**
 * Lists the images of one user, or of all users, grouped by owner.
 *
 * Fails with USER_HAS_NO_IMAGES when there is nothing to return: FogCore's clients cannot tell
 * an unknown user from one who has not pushed yet, and need not.
 */
export class ListImages {
  constructor(private readonly catalog: ImageCatalog) {}

  async execute(input: ListImagesInput): Promise<Result<OwnerImages[], CatalogError>> {
    const owner = input.owner === '' ? undefined : input.owner;

    const repositories = await this.catalog.list(owner);
    if (repositories.length === 0) return failure(userHasNoImages(owner));

    return success(groupByOwner(repositories));
  }
}
