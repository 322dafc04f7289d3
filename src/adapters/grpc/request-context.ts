import type { CallContext, ServerMiddlewareCall } from 'nice-grpc-common';
import type { Logger } from 'pino';

import { REQUEST_ID_LABEL, requestIdFor, runInRequestScope } from '../logging/request-scope.js';

/** What every call's handler gets beside nice-grpc's own context. */
export interface RequestContext {
  readonly requestId: string;
  /** A child logger whose every line carries the request id and the method. */
  readonly log: Logger;
}

/** Gives each call a request id (the caller's `x-request-id` when usable) and a logger. */
export function requestContextMiddleware(logger: Logger) {
  return async function* withRequestContext<Request, Response>(
    call: ServerMiddlewareCall<Request, Response, RequestContext>,
    context: CallContext,
  ): AsyncGenerator<Response, Response | void, undefined> {
    const requestId = requestIdFor(context.metadata.get('x-request-id'));
    const log = logger.child({ [REQUEST_ID_LABEL]: requestId, method: call.method.path });

    const handler: AsyncGenerator<Response, Response | void, undefined> = call.next(call.request, {
      ...context,
      requestId,
      log,
    });
    return yield* inRequestScope(requestId, handler);
  };
}

/**
 * Drives a handler's generator inside the request's scope. Resuming a generator runs its body
 * in the context of whoever resumes it (nice-grpc's internals), so each step is resumed from
 * within the scope, and the lines the use cases and adapters log name the call.
 */
async function* inRequestScope<T, R>(
  requestId: string,
  handler: AsyncGenerator<T, R, undefined>,
): AsyncGenerator<T, R, undefined> {
  let finished = false;
  try {
    for (;;) {
      const step = await runInRequestScope(requestId, () => handler.next());
      if (step.done === true) {
        finished = true;
        return step.value;
      }
      yield step.value;
    }
  } finally {
    // The client went away mid-stream: let the handler run its own clean-up.
    if (!finished) await runInRequestScope(requestId, () => handler.return(undefined as R));
  }
}
