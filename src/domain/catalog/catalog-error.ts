import { quote, shortened } from '../shared/quote.js';

/**
 * Every expected failure of the catalog use cases. Transports map each code to their own
 * status in one place; anything thrown instead of returned is unexpected.
 */
export type CatalogErrorCode =
  | 'INVALID_IMAGE_NAME'
  | 'USER_HAS_NO_IMAGES'
  | 'IMAGE_NOT_FOUND'
  | 'TAG_NOT_FOUND'
  | 'TAG_SHARES_MANIFEST'
  | 'REGISTRY_UNAVAILABLE'
  | 'INVALID_PAGE_SIZE'
  | 'INVALID_PAGE_TOKEN';

/** The values a failure is about, so that transports and logs need not parse the message. */
export interface CatalogErrorFields {
  /** The input as the caller sent it. */
  readonly value?: string;
  readonly repository?: string;
  readonly owner?: string;
  /** The tag or digest that was asked for. */
  readonly reference?: string;
}

export class CatalogError extends Error {
  override readonly name = 'CatalogError';

  constructor(
    readonly code: CatalogErrorCode,
    message: string,
    readonly fields: CatalogErrorFields = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function invalidImageName(value: string, rule: string): CatalogError {
  const shown = value === '' ? 'image name is required' : `image name ${quote(value)} ${rule}`;
  return new CatalogError('INVALID_IMAGE_NAME', shown, { value: shortened(value) });
}

export function userHasNoImages(owner: string | undefined): CatalogError {
  const message =
    owner === undefined ? 'the catalog holds no images' : `user "${owner}" has no images`;
  return new CatalogError('USER_HAS_NO_IMAGES', message, owner === undefined ? {} : { owner });
}

export function imageNotFound(repository: string): CatalogError {
  return new CatalogError('IMAGE_NOT_FOUND', `image "${repository}" not found`, { repository });
}

export function tagNotFound(repository: string, reference: string): CatalogError {
  return new CatalogError('TAG_NOT_FOUND', `image "${repository}" has no "${reference}"`, {
    repository,
    reference,
  });
}

export function tagSharesManifest(
  repository: string,
  tag: string,
  otherTags: readonly string[],
): CatalogError {
  const others = otherTags.map((other) => `"${other}"`).join(', ');
  return new CatalogError(
    'TAG_SHARES_MANIFEST',
    `tag "${tag}" of "${repository}" cannot be deleted alone: ${others} point at its manifest`,
    { repository, reference: tag },
  );
}

export function registryUnavailable(repository: string, cause: unknown): CatalogError {
  return new CatalogError(
    'REGISTRY_UNAVAILABLE',
    `the registry could not delete "${repository}"`,
    { repository },
    { cause },
  );
}

export function invalidPageSize(value: number, min: number, max: number): CatalogError {
  return new CatalogError(
    'INVALID_PAGE_SIZE',
    `page size ${value} is out of range; expected ${min} to ${max}`,
    { value: String(value) },
  );
}

export function invalidPageToken(value: string, rule: string): CatalogError {
  return new CatalogError('INVALID_PAGE_TOKEN', `page token "${value}" ${rule}`, { value });
}
