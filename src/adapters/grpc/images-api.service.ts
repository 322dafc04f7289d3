import type { CatalogError } from '../../domain/catalog/catalog-error.js';
import type { ImageRepository } from '../../domain/catalog/image-repository.js';
import type { DeleteImage } from '../../domain/use-cases/delete-image/delete-image.use-case.js';
import type { FindImage } from '../../domain/use-cases/find-image/find-image.use-case.js';
import type { ListImages } from '../../domain/use-cases/list-images/list-images.use-case.js';
import type {
  Image,
  ImagesAPIServiceImplementation,
  Response,
  ResponseWithImage,
  ResponseWithImagesList,
  User,
} from '../../../generated/images_api.js';
import {
  CatalogMessages,
  failureStatus,
  internalErrorStatus,
  successStatus,
  type CatalogMethod,
} from './catalog-status.js';
import type { RequestContext } from './request-context.js';

/** What a client may do with an image it can see. */
const IMAGE_ACTIONS = ['push', 'pull'];

export interface CatalogUseCases {
  readonly listImages: ListImages;
  readonly findImage: FindImage;
  readonly deleteImage: DeleteImage;
}

/**
 * FogCore's ImagesAPI over the catalog use cases. Outcomes, failures included, travel in
 * `status` with gRPC status OK, as existing clients expect; nothing thrown reaches the wire.
 */
export class ImagesApiService implements ImagesAPIServiceImplementation<RequestContext> {
  constructor(private readonly useCases: CatalogUseCases) {}

  async list(request: User, context: RequestContext): Promise<ResponseWithImagesList> {
    return answer(
      'List',
      context,
      (status) => ({ status, images: [] }),
      async () => {
        const result = await this.useCases.listImages.execute({ owner: request.username });
        if (!result.ok) return failed('List', result.error, context, { images: [] });

        const images = result.value.map((group) => ({
          username: group.owner,
          list: group.repositories.map(toImageMessage),
        }));
        return { status: successStatus('', context.requestId), images };
      },
    );
  }

  async find(request: Image, context: RequestContext): Promise<ResponseWithImage> {
    return answer(
      'Find',
      context,
      (status) => ({ status, image: undefined }),
      async () => {
        const result = await this.useCases.findImage.execute({ reference: request.name });
        if (!result.ok) return failed('Find', result.error, context, { image: undefined });

        const image = toImageMessage(result.value);
        return { status: successStatus(CatalogMessages.found, context.requestId), image };
      },
    );
  }

  async delete(request: Image, context: RequestContext): Promise<Response> {
    return answer(
      'Delete',
      context,
      (status) => status,
      async () => {
        const result = await this.useCases.deleteImage.execute({ reference: request.name });
        if (!result.ok)
          return failureStatus('Delete', logged(result.error, context), context.requestId);

        context.log.info({ ...result.value }, 'image deleted');
        return successStatus(CatalogMessages.deleted, context.requestId);
      },
    );
  }
}

/**
 * Runs one call and turns anything it throws into the documented 500, so that a database outage
 * or a bug never reaches the client as a gRPC error; the cause goes to the log.
 */
async function answer<T>(
  method: CatalogMethod,
  context: RequestContext,
  withStatus: (status: Response) => T,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    context.log.error({ err: error }, `${method.toLowerCase()} failed`);
    return withStatus(internalErrorStatus(context.requestId));
  }
}

function failed<T extends object>(
  method: CatalogMethod,
  error: CatalogError,
  context: RequestContext,
  empty: T,
): T & { status: Response } {
  return { ...empty, status: failureStatus(method, logged(error, context), context.requestId) };
}

// Expected failures are the caller's business (info); a registry outage is ours (error).
function logged(error: CatalogError, context: RequestContext): CatalogError {
  if (error.code === 'REGISTRY_UNAVAILABLE') {
    context.log.error({ err: error.cause, code: error.code, ...error.fields }, error.message);
  } else {
    context.log.info({ code: error.code, ...error.fields }, error.message);
  }
  return error;
}

function toImageMessage(repository: ImageRepository): Image {
  return {
    type: 'repository',
    name: repository.name,
    updated: Math.floor(repository.updated.getTime() / 1000),
    tags: repository.tags.map((tag) => tag.name),
    actions: IMAGE_ACTIONS,
  };
}
