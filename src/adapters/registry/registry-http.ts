import type { Logger } from 'pino';

import { RegistryUnavailableError } from '../../domain/ports/registry-client.port.js';
import type { RegistryAuthorizer } from './registry-authorizer.js';

/**
 * The User-Agent of every request the service makes to the registry. The registry reports it in
 * its notifications, which is how ingestion tells the service's own manifest reads (a HEAD is a
 * "pull" to the registry) from users' pulls.
 */
export const SERVICE_USER_AGENT = 'images-service';

export interface RegistryHttpOptions {
  readonly baseUrl: URL;
  readonly timeoutMs: number;
  readonly authorizer: RegistryAuthorizer;
  /** Where each request and its answer are logged, at debug; never its headers. */
  readonly logger?: Logger;
}

export interface RegistryRequest {
  readonly method: 'GET' | 'HEAD' | 'DELETE';
  /** A path such as `/v2/alice/app/tags/list`, or an absolute URL from a `Link` header. */
  readonly path: string;
  readonly scope: string;
  readonly accept?: readonly string[];
}

/** The registry's answer with its error codes read, for the statuses callers must tell apart. */
export interface RegistryAnswer {
  /** The registry that answered, for error messages. */
  readonly origin: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  readonly errorCodes: readonly string[];
}

/**
 * Sends one request to the registry. Failing to get any answer, and an answer of 401 or 403,
 * reject with RegistryUnavailableError; every other status is the caller's to judge.
 */
export async function sendRegistryRequest(
  options: RegistryHttpOptions,
  request: RegistryRequest,
): Promise<RegistryAnswer> {
  const url = new URL(request.path, options.baseUrl);
  const authorization = await options.authorizer.authorization(request.scope);
  const headers: Record<string, string> = { 'user-agent': SERVICE_USER_AGENT };
  if (authorization !== undefined) headers['authorization'] = authorization;
  if (request.accept !== undefined) headers['accept'] = request.accept.join(', ');

  const startedAt = performance.now();
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `did not answer within ${options.timeoutMs} ms`
        : `is unreachable (${describeCause(error)})`;
    throw new RegistryUnavailableError(`registry ${url.origin} ${reason}`, { cause: error });
  }

  const body = await response.text();
  options.logger?.debug(
    {
      method: request.method,
      path: url.pathname,
      status: response.status,
      durationMs: Math.round(performance.now() - startedAt),
    },
    'registry answered',
  );
  const answer = {
    origin: url.origin,
    status: response.status,
    headers: response.headers,
    body,
    errorCodes: errorCodes(body),
  };
  if (response.status === 401 || response.status === 403) {
    throw unexpectedAnswer(request, answer, 'refused the service access');
  }
  return answer;
}

export function unexpectedAnswer(
  request: RegistryRequest,
  answer: RegistryAnswer,
  what = 'answered unexpectedly',
): RegistryUnavailableError {
  const codes = answer.errorCodes.length > 0 ? ` (${answer.errorCodes.join(', ')})` : '';
  return new RegistryUnavailableError(
    `registry ${answer.origin} ${what}: ${answer.status}${codes} to ${request.method} ${request.path}`,
  );
}

// The registry's JSON error body: {"errors":[{"code":"NAME_UNKNOWN",...}]}.
function errorCodes(body: string): string[] {
  try {
    const parsed: unknown = JSON.parse(body);
    const errors = (parsed as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return [];
    return errors.flatMap((entry) =>
      typeof entry?.code === 'string' ? [entry.code as string] : [],
    );
  } catch {
    return [];
  }
}

function describeCause(error: unknown): string {
  const cause = error instanceof Error ? (error.cause ?? error) : error;
  if (typeof cause === 'object' && cause !== null && 'code' in cause) return String(cause.code);
  return cause instanceof Error ? cause.message : String(cause);
}
