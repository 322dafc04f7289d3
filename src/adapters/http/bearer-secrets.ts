import { createHash, timingSafeEqual } from 'node:crypto';

import type { Secret } from '../../domain/shared/secret.js';

/**
 * The secrets a caller may present as `Authorization: Bearer <secret>`. Several are accepted at
 * once so that one can be rotated: add the new one, reconfigure the registry, drop the old one.
 */
export class BearerSecrets {
  private readonly digests: readonly Buffer[];

  constructor(secrets: readonly Secret[]) {
    if (secrets.length === 0) throw new Error('BearerSecrets needs at least one secret');
    this.digests = secrets.map((secret) => sha256(secret.reveal()));
  }

  /**
   * Whether the header carries one of the secrets. Both sides are hashed to equal lengths and
   * every secret is compared, so the time taken tells nothing about how close a guess was.
   */
  accepts(authorization: string | undefined): boolean {
    const presented = /^Bearer +(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    const candidate = sha256(presented ?? '');

    let accepted = false;
    for (const digest of this.digests) accepted = timingSafeEqual(digest, candidate) || accepted;
    return accepted && presented !== undefined;
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
