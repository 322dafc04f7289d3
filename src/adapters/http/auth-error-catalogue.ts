import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

import { AuthError, type AuthErrorCode } from '../../domain/auth/auth-error.js';
import { tokenGrant, type TokenMetrics } from './token-metrics.js';

/** The body of every error answer, as the registry's own errors look. */
export interface ErrorBody {
  readonly errors: readonly { readonly code: string; readonly message: string }[];
}

/**
 * Each expected failure's status and public code. Wrong credentials and bad refresh tokens
 * share UNAUTHORIZED; none is ever 403, after which containerd would not retry with GET.
 */
const CATALOGUE: Record<AuthErrorCode, { readonly status: number; readonly code: string }> = {
  INVALID_SCOPE: { status: 400, code: 'INVALID_SCOPE' },
  UNKNOWN_SERVICE: { status: 400, code: 'UNKNOWN_SERVICE' },
  UNSUPPORTED_GRANT_TYPE: { status: 400, code: 'UNSUPPORTED_GRANT_TYPE' },
  MISSING_PARAMETER: { status: 400, code: 'MISSING_PARAMETER' },
  ACCOUNT_MISMATCH: { status: 400, code: 'ACCOUNT_MISMATCH' },
  INVALID_CREDENTIALS: { status: 401, code: 'UNAUTHORIZED' },
  INVALID_REFRESH_TOKEN: { status: 401, code: 'UNAUTHORIZED' },
  TOO_MANY_ATTEMPTS: { status: 429, code: 'TOO_MANY_REQUESTS' },
  CREDENTIALS_UNAVAILABLE: { status: 503, code: 'UNAVAILABLE' },
};

/**
 * The one error handler of the token routes: domain failures by the catalogue, request errors
 * Fastify raised (bad form, bad content type) as 400, and anything else as a 500 that names
 * only the request id. Every answer is JSON; 401s carry the Basic challenge.
 */
export function authErrorHandler(basicRealm: string, metrics: TokenMetrics) {
  const challenge = `Basic realm="${basicRealm.replace(/["\\]/g, '')}"`;

  return (error: FastifyError | AuthError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AuthError) {
      metrics.countDenied(tokenGrant(request), error.code);
      const { status, code } = CATALOGUE[error.code];
      // The precise reason goes to the log; 5xx at error, the client's mistakes at info.
      const detail = { code: error.code, ...error.fields };
      if (status >= 500) request.log.error({ ...detail, err: error.cause }, 'token request failed');
      else request.log.info(detail, 'token request refused');
      if (status === 401) void reply.header('www-authenticate', challenge);
      if (error.fields.retryAfterSeconds !== undefined) {
        void reply.header('retry-after', String(error.fields.retryAfterSeconds));
      }
      return send(reply, status, code, error.message);
    }

    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      metrics.countDenied(tokenGrant(request), 'INVALID_REQUEST');
      request.log.info({ err: error }, 'malformed token request');
      // Any 4xx becomes 400: containerd falls back to GET on 400, not on 413 or 415.
      return send(reply, 400, 'INVALID_REQUEST', error.message);
    }

    metrics.countDenied(tokenGrant(request), 'INTERNAL');
    request.log.error({ err: error }, 'token request failed');
    return send(reply, 500, 'INTERNAL', `an internal error occurred (request ${request.id})`);
  };
}

function send(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  const body: ErrorBody = { errors: [{ code, message }] };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
