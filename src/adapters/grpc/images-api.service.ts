import type { CallContext } from 'nice-grpc-common';

import type { CatalogError } from '../../domain/catalog/catalog-error.js';
import type { OwnerImages } from '../../domain/catalog/image-repository.js';
import type { DeleteImage } from '../../domain/use-cases/delete-image/delete-image.use-case.js';
import type { FindImage } from '../../domain/use-cases/find-image/find-image.use-case.js';
import type { ListImagePage } from '../../domain/use-cases/list-image-page/list-image-page.use-case.js';
import type { ListImages } from '../../domain/use-cases/list-images/list-images.use-case.js';
import type { WatchImages } from '../../domain/use-cases/watch-images/watch-images.use-case.js';
import type {
  Image,
  ImageEvent,
  Images,
  ImagesAPIServiceImplementation,
  Response,
  ResponseWithImage,
  ResponseWithImagesList,
  User,
  WatchImagesRequest,
} from '../../../generated/images_api.js';
import {
  CatalogMessages,
  failureStatus,
  internalErrorStatus,
  successStatus,
  type CatalogMethod,
} from './catalog-status.js';
import { toImageMessage } from './image-messages.js';
import type { RequestContext } from './request-context.js';
import { watchImagesHandler } from './watch-images.handler.js';

export interface CatalogUseCases {
  readonly listImages: ListImages;
  readonly listImagePage: ListImagePage;
  readonly findImage: FindImage;
  readonly deleteImage: DeleteImage;
  readonly watchImages: WatchImages;
}

/**
 * FogCore's ImagesAPI over the catalog use cases. The unary calls' outcomes, failures included,
 * travel in `status` with gRPC status OK, as existing clients expect; nothing thrown reaches the
 * wire. WatchImages, a stream without a `status` field, answers failures with gRPC statuses
 * (watch-images.handler.ts).
 */
export class ImagesApiService implements ImagesAPIServiceImplementation<RequestContext> {
  constructor(private readonly useCases: CatalogUseCases) {}

  async list(request: User, context: RequestContext): Promise<ResponseWithImagesList> {
    return answer(
      'List',
      context,
      (status) => ({ status, images: [], nextPageToken: '' }),
      async () => {
        const empty = { images: [], nextPageToken: '' };
        // Without the paging fields List answers every image at once, as it always did.
        if (request.pageSize === 0 && request.pageToken === '') {
          const result = await this.useCases.listImages.execute({ owner: request.username });
          if (!result.ok) return failed('List', result.error, context, empty);
          const images = toImagesMessages(result.value);
          return { status: successStatus('', context.requestId), images, nextPageToken: '' };
        }

        const result = await this.useCases.listImagePage.execute({
          owner: request.username,
          pageSize: request.pageSize,
          pageToken: request.pageToken,
        });
        if (!result.ok) return failed('List', result.error, context, empty);
        return {
          status: successStatus('', context.requestId),
          images: toImagesMessages(result.value.groups),
          nextPageToken: result.value.nextPageToken ?? '',
        };
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

  watchImages(
    request: WatchImagesRequest,
    context: RequestContext & CallContext,
  ): AsyncIterable<ImageEvent> {
    return watchImagesHandler(this.useCases.watchImages, request, context);
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

function toImagesMessages(groups: readonly OwnerImages[]): Images[] {
  return groups.map((group) => ({
    username: group.owner,
    list: group.repositories.map(toImageMessage),
  }));
}
