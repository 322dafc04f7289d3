import formBody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import {
  missingParameter,
  unreadableCredentials,
  unsupportedGrantType,
} from '../../domain/auth/auth-error.js';
import { formatScope } from '../../domain/auth/resource-scope.js';
import type { IssuedToken } from '../../domain/auth/token-minter.js';
import type { Result } from '../../domain/shared/result.js';
import { Secret } from '../../domain/shared/secret.js';
import type { IssueRegistryToken } from '../../domain/use-cases/issue-registry-token/issue-registry-token.use-case.js';
import type { RefreshRegistryToken } from '../../domain/use-cases/refresh-registry-token/refresh-registry-token.use-case.js';
import { authErrorHandler } from './auth-error-catalogue.js';
import { tokenGrant, type TokenMetrics } from './token-metrics.js';

export interface TokenRoutesOptions {
  readonly issueToken: IssueRegistryToken;
  readonly refreshToken: RefreshRegistryToken;
  /** The JWK Set registry 3 may be given as `jwks`. */
  readonly jwks: () => Promise<object>;
  /** Named in the Basic challenge of 401 answers. */
  readonly basicRealm: string;
  readonly metrics: TokenMetrics;
}

type Parameters = Record<string, unknown>;

/** A token answer holds no secrets beyond itself; nothing may keep a copy. */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };
const FORM = 'application/x-www-form-urlencoded';
/** A token request is a few hundred bytes; GET gets as much room in its URL (MAX_HEADER_BYTES). */
const BODY_LIMIT = 16 * 1024;

/**
 * The token server's endpoints: GET /auth (token.md, Basic credentials), POST /auth (oauth.md,
 * password and refresh_token grants) and GET /.well-known/jwks.json.
 */
export async function tokenRoutes(
  app: FastifyInstance,
  options: TokenRoutesOptions,
): Promise<void> {
  if (!app.hasContentTypeParser(FORM)) await app.register(formBody, { bodyLimit: BODY_LIMIT });
  app.setErrorHandler(authErrorHandler(options.basicRealm, options.metrics));

  app.get('/auth', async (request, reply) => {
    const query = request.query as Parameters;
    const credentials = basicCredentials(request.headers.authorization);

    const result = await options.issueToken.execute({
      ...optional('service', first(query['service'])),
      ...optional('account', first(query['account'])),
      scopes: all(query['scope']),
      ...(credentials === undefined ? {} : { credentials }),
      clientAddress: request.ip,
      offline: first(query['offline_token']) === 'true',
    });
    const issued = unwrap(result);
    logIssued(request, issued, first(query['client_id']));
    options.metrics.countIssued(tokenGrant(request));

    return reply.headers(NO_STORE).send(tokenAnswer(issued, false));
  });

  // The same limit for JSON bodies, which Fastify would otherwise take up to 1 MiB.
  app.post('/auth', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
    const form = (request.body ?? {}) as Parameters;
    const grantType = first(form['grant_type']);
    const common = {
      ...optional('service', first(form['service'])),
      scopes: all(form['scope']),
      offline: first(form['access_type']) === 'offline',
    };

    let result: Result<IssuedToken, Error>;
    if (grantType === 'password') {
      const username = first(form['username']);
      const password = first(form['password']);
      if (username === undefined) throw missingParameter('username', 'password');
      if (password === undefined) throw missingParameter('password', 'password');
      result = await options.issueToken.execute({
        ...common,
        credentials: { username, password: new Secret(password) },
        clientAddress: request.ip,
      });
    } else if (grantType === 'refresh_token') {
      const token = first(form['refresh_token']);
      if (token === undefined) throw missingParameter('refresh_token', 'refresh_token');
      result = await options.refreshToken.execute({ ...common, refreshToken: new Secret(token) });
    } else {
      throw unsupportedGrantType(grantType);
    }
    const issued = unwrap(result);
    logIssued(request, issued, first(form['client_id']));
    options.metrics.countIssued(tokenGrant(request));

    return reply.headers(NO_STORE).send(tokenAnswer(issued, true));
  });

  app.get('/.well-known/jwks.json', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').send(await options.jwks()),
  );
}

/** token.md's answer; oauth.md adds the granted `scope`. */
function tokenAnswer(issued: IssuedToken, withScope: boolean) {
  const token = issued.accessToken.reveal();
  return {
    token,
    access_token: token,
    expires_in: issued.expiresInSeconds,
    // Whole seconds: the plain RFC 3339 form every client parses.
    issued_at: issued.issuedAt.toISOString().replace(/\.\d+Z$/, 'Z'),
    ...(issued.refreshToken === undefined ? {} : { refresh_token: issued.refreshToken.reveal() }),
    ...(withScope ? { scope: issued.granted.map(formatScope).join(' ') } : {}),
  };
}

/**
 * The Basic credentials of the header, or undefined without a header (an anonymous request).
 * Anything else in the header is refused rather than taken for anonymous.
 */
function basicCredentials(header: string | undefined) {
  if (header === undefined || header === '') return undefined;

  const encoded = /^Basic +([A-Za-z0-9+/=_-]+) *$/i.exec(header)?.[1];
  if (encoded === undefined) throw unreadableCredentials('must hold Basic credentials');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw unreadableCredentials('must hold username:password');

  return { username: decoded.slice(0, colon), password: new Secret(decoded.slice(colon + 1)) };
}

function unwrap<T>(result: Result<T, Error>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

// For audits: who got what. token.md asks clients to name themselves; any name is accepted.
function logIssued(request: FastifyRequest, issued: IssuedToken, clientId: string | undefined) {
  const granted = issued.granted.map(formatScope);
  request.log.info({ subject: issued.subject, granted, clientId }, 'token issued');
}

// Bodies may be JSON too: anything but a string counts as absent.
function first(value: unknown): string | undefined {
  const candidate = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof candidate === 'string' ? candidate : undefined;
}

function all(value: unknown): string[] {
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return values.filter((entry): entry is string => typeof entry === 'string');
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: string });
}
