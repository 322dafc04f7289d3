import { ServerError, Status, type CallContext, type ServerMiddlewareCall } from 'nice-grpc-common';

/**
 * A bound on the unary calls served at once (GRPC_CALLS_IN_FLIGHT). Past it a call is refused
 * at once with UNAVAILABLE, which gRPC clients and their retry policies take as "try again":
 * under more load than the database keeps up with, the calls would otherwise pile up in memory
 * until every caller had given up, and the service would spend itself on answers nobody waits
 * for. Streams (WatchImages) last as long as their watchers and are not counted.
 */
export function callsInFlightMiddleware(limit: number) {
  let inFlight = 0;

  return async function* limited<Request, Response>(
    call: ServerMiddlewareCall<Request, Response>,
    context: CallContext,
  ): AsyncGenerator<Response, Response | void, undefined> {
    if (call.method.responseStream) return yield* call.next(call.request, context);

    if (inFlight >= limit) {
      throw new ServerError(
        Status.UNAVAILABLE,
        `the service is busy: ${inFlight} calls in flight (GRPC_CALLS_IN_FLIGHT); retry later`,
      );
    }
    inFlight += 1;
    try {
      return yield* call.next(call.request, context);
    } finally {
      inFlight -= 1;
    }
  };
}
