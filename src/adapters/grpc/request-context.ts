import { randomUUID } from 'node:crypto';

import type { CallContext, ServerMiddlewareCall } from 'nice-grpc-common';
import type { Logger } from 'pino';

/** What every call's handler gets beside nice-grpc's own context. */
export interface RequestContext {
  readonly requestId: string;
  /** A child logger whose every line carries the request id and the method. */
  readonly log: Logger;
}

// A caller's id is reused only when it is short and plain, so it cannot forge log content.
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gives each call a request id (the caller's `x-request-id` when usable) and a logger. */
export function requestContextMiddleware(logger: Logger) {
  return async function* withRequestContext<Request, Response>(
    call: ServerMiddlewareCall<Request, Response, RequestContext>,
    context: CallContext,
  ): AsyncGenerator<Response, Response | void, undefined> {
    const offered = context.metadata.get('x-request-id');
    const requestId =
      typeof offered === 'string' && CALLER_REQUEST_ID.test(offered) ? offered : randomUUID();
    const log = logger.child({ requestId, method: call.method.path });

    return yield* call.next(call.request, { ...context, requestId, log });
  };
}
