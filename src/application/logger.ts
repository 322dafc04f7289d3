import { pino, type DestinationStream, type Logger } from 'pino';

import type { LogLevel } from './config/service-config.js';

/** Paths whose values never reach a log line, whatever logs them. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
];

/** The service's one logger; adapters take children of it that carry their request id. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'images-service' },
      redact: { paths: REDACTED_PATHS, censor: '***' },
    },
    destination,
  );
}
