import { randomBytes } from 'node:crypto';

import { inject } from 'vitest';

/**
 * A URI to a database no other test uses, on the suite's server. Test files run in parallel
 * against one server, so each takes its own database instead of cleaning a shared one.
 */
export function isolatedDatabaseUri(
  purpose: string,
  baseUri: string = inject('mongodbUri'),
): string {
  const url = new URL(baseUri);
  url.pathname = `/${purpose.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(4).toString('hex')}`;
  return url.toString();
}
