import { ServerError, Status } from 'nice-grpc-common';

import type { WatchError } from '../../domain/events/watch-error.js';
import { ImageEventFeedStoppedError } from '../../domain/ports/image-event-feed.port.js';
import type { WatchImages } from '../../domain/use-cases/watch-images/watch-images.use-case.js';
import type { ImageEvent, WatchImagesRequest } from '../../../generated/images_api.js';
import { toImageEventMessage } from './image-messages.js';
import type { RequestContext } from './request-context.js';

const WATCH_STATUS: Record<WatchError['code'], Status> = {
  INVALID_USERNAME: Status.INVALID_ARGUMENT,
  INVALID_CURSOR: Status.INVALID_ARGUMENT,
  CURSOR_OUT_OF_RANGE: Status.OUT_OF_RANGE,
};

/**
 * WatchImages: a stream has no `status` field to carry failures in, so they travel as gRPC
 * statuses. INVALID_ARGUMENT and OUT_OF_RANGE name the bad value; UNAVAILABLE when the service
 * stops (resume on another replica with the last cursor); INTERNAL, with only the request id,
 * for anything unexpected, whose cause goes to the log.
 */
export async function* watchImagesHandler(
  watchImages: WatchImages,
  request: WatchImagesRequest,
  context: RequestContext & { readonly signal: AbortSignal },
): AsyncGenerator<ImageEvent> {
  try {
    const result = await watchImages.execute({
      owner: request.username,
      cursor: request.cursor,
      signal: context.signal,
    });
    if (!result.ok) {
      const { code, value, message } = result.error;
      context.log.info({ code, value }, message);
      throw new ServerError(WATCH_STATUS[code], `${code}: ${message}`);
    }

    context.log.debug({ username: request.username, cursor: request.cursor }, 'watch started');
    for await (const event of result.value) yield toImageEventMessage(event);
  } catch (error) {
    if (error instanceof ServerError) throw error;
    if (error instanceof ImageEventFeedStoppedError) {
      throw new ServerError(
        Status.UNAVAILABLE,
        'the service is stopping; resume the watch with the last cursor received',
      );
    }
    context.log.error({ err: error }, 'watch failed');
    throw new ServerError(
      Status.INTERNAL,
      `an internal error occurred; request id ${context.requestId}`,
    );
  }
}
