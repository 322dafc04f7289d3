import { invalidPageToken, type CatalogError } from './catalog-error.js';
import { failure, success, type Result } from '../shared/result.js';

/** Where a page of List ends: the last repository name, for the owner the walk is about. */
export interface PagePosition {
  /** The last repository name the previous page returned. */
  readonly after: string;
  /** The owner the walk lists; empty for everyone's repositories. */
  readonly owner: string;
}

// Tokens quoted back in errors are cut here: the detail must name the value, not echo a flood.
const QUOTED_LENGTH = 80;
const MAX_TOKEN_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const VERSION = 1;

/**
 * The opaque token of the page after `position`: base64url of a small JSON document. Clients
 * must not build or read it; the format is this module's business alone.
 */
export function encodePageToken(position: PagePosition): string {
  const json = JSON.stringify({ v: VERSION, a: position.after, o: position.owner });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/**
 * Reads a token back for a request about `owner` (empty: everyone). A token that is not one of
 * ours fails, and so does one issued for another owner's walk: its position would skip or
 * repeat repositories of this one.
 */
export function decodePageToken(token: string, owner: string): Result<PagePosition, CatalogError> {
  const shown = token.length > QUOTED_LENGTH ? `${token.slice(0, QUOTED_LENGTH)}…` : token;
  const reject = (rule: string) => failure(invalidPageToken(shown, rule));

  if (token.length > MAX_TOKEN_LENGTH || !BASE64URL.test(token)) {
    return reject('is not a page token of this service');
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return reject('is not a page token of this service');
  }
  if (!isPosition(parsed)) return reject('is not a page token of this service');

  if (parsed.o !== owner) {
    const walk = parsed.o === '' ? "everyone's images" : `user "${parsed.o}"`;
    return reject(`was issued for ${walk}, not for this request's`);
  }
  return success({ after: parsed.a, owner: parsed.o });
}

function isPosition(value: unknown): value is { v: number; a: string; o: string } {
  if (typeof value !== 'object' || value === null) return false;
  const { v, a, o } = value as Record<string, unknown>;
  return v === VERSION && typeof a === 'string' && a !== '' && typeof o === 'string';
}
