import { pino, type DestinationStream, type Logger } from 'pino';

import { currentRequestId, REQUEST_ID_LABEL } from '../adapters/logging/request-scope.js';
import type { LogLevel } from './config/service-config.js';

/**
 * Paths whose values never reach a log line, whatever logs them: credentials in headers, and
 * any field named like a password, token or secret, at the top or one level down.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["proxy-authorization"]',
  'headers.cookie',
  ...['authorization', 'password', 'secret', 'token']
    .concat(['accessToken', 'access_token', 'refreshToken', 'refresh_token'])
    .flatMap((field) => [field, `*.${field}`]),
];

/** The service's one logger; adapters take children of it that carry their request id. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'images-service' },
      redact: { paths: REDACTED_PATHS, censor: '***' },
      mixin: requestIdOfScope,
    },
    destination,
  );
}

/**
 * Adds the id of the request being served to a line logged through a logger that does not
 * carry it already (the root logger in an adapter, say); a logger that does keeps its own, so
 * that no line holds the field twice.
 */
function requestIdOfScope(_fields: object, _level: number, logger: Logger): object {
  const requestId = currentRequestId();
  if (requestId === undefined || REQUEST_ID_LABEL in logger.bindings()) return {};
  return { [REQUEST_ID_LABEL]: requestId };
}
