import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

import type { FastifyBaseLogger } from 'fastify';

/** What Node's HTTP parser reports when it refuses a request before any route sees it. */
interface ConnectionError extends Error {
  readonly code?: string;
}

/**
 * Answers the requests Node's HTTP parser refuses (headers too large, a malformed request, a
 * request that took too long to arrive) in the shape of every other error of the service,
 * `{"errors":[{code, message}]}`, instead of Fastify's own. The connection closes afterwards:
 * what follows on it cannot be parsed.
 */
export function clientErrorAnswer(logger: FastifyBaseLogger, maxHeaderBytes: number) {
  return (error: ConnectionError, socket: Socket): void => {
    // A client that went away needs no answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;

    const [status, code, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'HEADERS_TOO_LARGE', `request line and headers exceed ${maxHeaderBytes} bytes`]
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'REQUEST_TIMEOUT', 'the request did not arrive in time']
          : [400, 'BAD_REQUEST', `the request is not valid HTTP (${error.code ?? error.message})`];
    // The client's mistake, not ours: info, as the routes log their 4xx. Never the error itself:
    // its raw packet holds the request's headers, an Authorization header among them.
    logger.info({ code, parserError: error.code }, 'request refused by the http parser');

    if (socket.writable) {
      const body = JSON.stringify({ errors: [{ code, message }] });
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
          'Content-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          'Connection: close\r\n\r\n' +
          body,
      );
    }
    socket.destroy(error);
  };
}
