import type { CatalogError } from '../../domain/catalog/catalog-error.js';
import type { Response } from '../../../generated/images_api.js';

/** The RPCs of ImagesAPI; each words some outcomes its own way. */
export type CatalogMethod = 'List' | 'Find' | 'Delete';

/** The texts FogCore's clients know (../shared/seed/images-service-api.md): never reword them. */
export const CatalogMessages = {
  found: 'Image with the specified name was found.',
  deleted: 'Image with the specified name has been deleted.',
  userHasNoImages: 'User not found or has no images yet.',
  findNotFound: 'Image with this name not found.',
  deleteNotFound: 'Image with the specified name was not found.',
  findInvalidName:
    'Image name parameter is required. It should consist of a username and an image name, ' +
    'such as <username>/<imagename>:<tag>. Tag parameter is optional.',
  deleteInvalidName:
    'Image name parameter is required. It should consist of a username and an application ' +
    'name, such as username/imagename.',
  tagNotFound: (tag: string) => `The specified image does not have tag ${tag}.`,
  // Not in the seed: deleting one tag is this service's extension.
  tagSharesManifest:
    'The registry cannot delete this tag alone: other tags point at the same manifest.',
  // Not in the seed: List's paging is this service's extension.
  invalidPage: 'The page_size or page_token parameter is invalid.',
  internal: 'An internal server error has occurred.',
} as const;

export function successStatus(message: string, requestId: string): Response {
  return { code: 200, message, reason: '', detail: '', requestId };
}

/** The generic 500: the cause goes to the log, never to the caller. */
export function internalErrorStatus(requestId: string): Response {
  return {
    code: 500,
    message: CatalogMessages.internal,
    reason: 'INTERNAL',
    detail: '',
    requestId,
  };
}

/** Maps every expected failure of the catalog use cases to the status a client receives. */
export function failureStatus(
  method: CatalogMethod,
  error: CatalogError,
  requestId: string,
): Response {
  const status = (code: number, message: string): Response => ({
    code,
    message,
    reason: error.code,
    detail: error.message,
    requestId,
  });

  switch (error.code) {
    case 'INVALID_IMAGE_NAME':
      return status(
        422,
        method === 'Delete' ? CatalogMessages.deleteInvalidName : CatalogMessages.findInvalidName,
      );
    case 'USER_HAS_NO_IMAGES':
      return status(404, CatalogMessages.userHasNoImages);
    case 'IMAGE_NOT_FOUND':
      return status(
        404,
        method === 'Delete' ? CatalogMessages.deleteNotFound : CatalogMessages.findNotFound,
      );
    case 'TAG_NOT_FOUND':
      return status(
        404,
        method === 'Delete'
          ? CatalogMessages.deleteNotFound
          : CatalogMessages.tagNotFound(error.fields.reference ?? ''),
      );
    case 'TAG_SHARES_MANIFEST':
      return status(409, CatalogMessages.tagSharesManifest);
    case 'INVALID_PAGE_SIZE':
    case 'INVALID_PAGE_TOKEN':
      return status(422, CatalogMessages.invalidPage);
    case 'REGISTRY_UNAVAILABLE':
      return internalErrorStatus(requestId);
  }
}
