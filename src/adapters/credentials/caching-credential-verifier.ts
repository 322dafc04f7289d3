import { createHmac, randomBytes } from 'node:crypto';

import type { Clock } from '../../domain/ports/clock.port.js';
import type {
  AccountStatus,
  CredentialVerifier,
  Verification,
  VerifiedAccount,
} from '../../domain/ports/credential-verifier.port.js';
import type { Secret } from '../../domain/shared/secret.js';
import type { CredentialCacheMetrics } from './credential-cache-metrics.js';

export interface CredentialCacheOptions {
  /** How long a successful verification is reused (CREDENTIAL_CACHE_TTL_SECONDS); 0 disables. */
  readonly ttlSeconds: number;
  /** A bound on memory: the oldest entries go first beyond it. */
  readonly maxEntries: number;
  /** Told of every hit and miss, for `/metrics`. */
  readonly metrics?: CredentialCacheMetrics;
}

interface CachedAccount {
  readonly account: VerifiedAccount;
  readonly expiresAt: number;
}

/**
 * Remembers successful verifications for a short time, so that the burst of token requests of
 * one `docker push` pays bcrypt or an RPC once; requests that arrive while the first is still
 * being verified wait for its answer instead of starting their own. Entries are keyed by an
 * HMAC of the credentials under a key made at start and never stored: neither the map nor a
 * heap dump holds a password or anything to test guesses against. Failures are never cached,
 * so a password that was just fixed works at once.
 */
export class CachingCredentialVerifier implements CredentialVerifier {
  private readonly key = randomBytes(32);
  private readonly cache = new Map<string, CachedAccount>();
  /** Verifications under way, so that a burst of one client's requests pays for one. */
  private readonly pending = new Map<string, Promise<Verification>>();

  constructor(
    private readonly inner: CredentialVerifier,
    private readonly clock: Clock,
    private readonly options: CredentialCacheOptions,
  ) {}

  async verify(username: string, password: Secret): Promise<Verification> {
    const key = this.cacheKey(username, password);
    const now = this.clock.now().getTime();
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.expiresAt > now) {
      this.options.metrics?.hit();
      return { valid: true, account: cached.account };
    }
    if (cached !== undefined) this.cache.delete(key);

    const under = this.pending.get(key);
    if (under !== undefined) {
      this.options.metrics?.hit();
      return under;
    }
    this.options.metrics?.miss();

    const verification = this.inner.verify(username, password);
    this.pending.set(key, verification);
    try {
      const result = await verification;
      if (result.valid && this.options.ttlSeconds > 0) this.remember(key, result.account, now);
      return result;
    } finally {
      this.pending.delete(key);
    }
  }

  /** Asked every time: a refresh must notice a removed account at once. */
  get checksStatusWithoutPassword(): boolean {
    return this.inner.checksStatusWithoutPassword;
  }

  status(username: string): Promise<AccountStatus> {
    return this.inner.status(username);
  }

  get size(): number {
    return this.cache.size;
  }

  private remember(key: string, account: VerifiedAccount, now: number): void {
    // Maps keep insertion order, so the first key is the oldest entry.
    if (this.cache.size >= this.options.maxEntries) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    this.cache.set(key, { account, expiresAt: now + this.options.ttlSeconds * 1000 });
  }

  // The length prefix keeps "a" + "b:c" and "a:b" + "c" apart, whatever the characters.
  private cacheKey(username: string, password: Secret): string {
    return createHmac('sha256', this.key)
      .update(`${username.length}:${username}:${password.reveal()}`)
      .digest('base64url');
  }
}
