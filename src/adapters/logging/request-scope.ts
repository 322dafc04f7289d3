import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The request a piece of work belongs to, carried across awaits. Transports open a scope per
 * request; the logger reads it, so that a line logged deep inside a use case or an adapter (the
 * registry client during a gRPC Delete, the users file reloading during a login) still names
 * the request that caused it, without every port taking a logger.
 */
const scope = new AsyncLocalStorage<string>();

/** Runs `work` so that everything it starts, synchronously or later, belongs to `requestId`. */
export function runInRequestScope<T>(requestId: string, work: () => T): T {
  return scope.run(requestId, work);
}

/** The id of the request being served, or undefined outside any request. */
export function currentRequestId(): string | undefined {
  return scope.getStore();
}

/** The field every log line of a request carries its id in, for HTTP and gRPC alike. */
export const REQUEST_ID_LABEL = 'requestId';

// A caller's id is reused only when it is short and plain, so it cannot forge log content.
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id to serve a request under: the caller's `x-request-id` when it is usable, so that one
 * id follows a request from the gateway into this log, else a new UUID.
 */
export function requestIdFor(offered: unknown): string {
  return typeof offered === 'string' && CALLER_REQUEST_ID.test(offered) ? offered : randomUUID();
}
