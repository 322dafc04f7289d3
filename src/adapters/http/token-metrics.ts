import type { FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';

/** How a token was asked for: GET with or without Basic credentials, or a POST grant. */
export type TokenGrant = 'anonymous' | 'basic' | 'password' | 'refresh_token' | 'unknown';

/** Counts the token endpoint's answers: tokens issued by grant, refusals by grant and reason. */
export class TokenMetrics {
  private readonly issued: Counter<'grant'>;
  private readonly denied: Counter<'grant' | 'reason'>;
  private readonly rateLimited: Counter;

  constructor(registry: Registry) {
    this.issued = new Counter({
      name: 'images_service_tokens_issued_total',
      help: 'Registry tokens issued by /auth, by grant',
      labelNames: ['grant'],
      registers: [registry],
    });
    this.denied = new Counter({
      name: 'images_service_token_denials_total',
      help: 'Token requests refused by /auth, by grant and reason',
      labelNames: ['grant', 'reason'],
      registers: [registry],
    });
    this.rateLimited = new Counter({
      name: 'images_service_login_rate_limited_total',
      help: 'Logins answered 429 by the failed-login limit, before the password was checked',
      registers: [registry],
    });
  }

  countIssued(grant: TokenGrant): void {
    this.issued.inc({ grant });
  }

  /** `reason` is a closed set of codes: the domain's, INVALID_REQUEST or INTERNAL. */
  countDenied(grant: TokenGrant, reason: string): void {
    this.denied.inc({ grant, reason });
    if (reason === 'TOO_MANY_ATTEMPTS') this.rateLimited.inc();
  }
}

/** The grant of a token request, read from what the client sent, whatever became of it. */
export function tokenGrant(request: FastifyRequest): TokenGrant {
  if (request.method !== 'POST') {
    return request.headers.authorization === undefined ? 'anonymous' : 'basic';
  }

  // A repeated field arrives as an array; the routes read its first value, and so does this.
  const field = (request.body as Record<string, unknown> | undefined)?.['grant_type'];
  const grantType: unknown = Array.isArray(field) ? field[0] : field;
  return grantType === 'password' || grantType === 'refresh_token' ? grantType : 'unknown';
}
