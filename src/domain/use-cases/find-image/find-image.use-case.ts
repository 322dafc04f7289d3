import { imageNotFound, tagNotFound, type CatalogError } from '../../catalog/catalog-error.js';
import { parseImageReference } from '../../catalog/image-reference.js';
import type { ImageRepository } from '../../catalog/image-repository.js';
import type { ImageCatalog } from '../../ports/image-catalog.port.js';
import { failure, success, type Result } from '../../shared/result.js';

export interface FindImageInput {
  /** `<username>/<imagename>[:<tag>][@sha256:<hex>]`. */
  readonly reference: string;
}

/** The tag a reference without tag or digest asks for, as in `docker pull`. */
export const DEFAULT_TAG = 'latest';

/**
 * Finds a repository that holds the referenced tag (`latest` when none is given) or digest.
 *
 * Fails with INVALID_IMAGE_NAME for a malformed reference, IMAGE_NOT_FOUND when the repository
 * has no tags, and TAG_NOT_FOUND when it lacks the tag or digest.
 */
export class FindImage {
  constructor(private readonly catalog: ImageCatalog) {}

  async execute(input: FindImageInput): Promise<Result<ImageRepository, CatalogError>> {
    const parsed = parseImageReference(input.reference, { allowDigest: true });
    if (!parsed.ok) return parsed;
    const { repository: name, tag, digest } = parsed.value;

    const repository = await this.catalog.find(name);
    if (repository === undefined) return failure(imageNotFound(name));

    // A digest pins the content, so it wins over a tag given beside it.
    const held =
      digest === undefined
        ? repository.tags.some((record) => record.name === (tag ?? DEFAULT_TAG))
        : repository.tags.some((record) => record.digest === digest);
    if (!held) return failure(tagNotFound(name, digest ?? tag ?? DEFAULT_TAG));

    return success(repository);
  }
}
