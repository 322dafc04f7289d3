import type { Clock } from '../../domain/ports/clock.port.js';
import type { LoginAttempt, LoginThrottle } from '../../domain/ports/login-throttle.port.js';

export interface LoginThrottleOptions {
  /** Failures an account may have within the window before it is blocked. */
  readonly maxFailuresPerAccount: number;
  /** Failures one client address may have within the window, over every account. */
  readonly maxFailuresPerAddress: number;
  readonly windowSeconds: number;
  /** How long a login from an address exempts that address from its account's block. */
  readonly trustSeconds: number;
  /** A bound on memory per kind of key; the oldest keys go first beyond it. */
  readonly maxTrackedKeys: number;
}

/**
 * Counts failed logins per account and per client address over a sliding window, in this
 * process's memory (one instance of the service per registry is the deployment we have).
 *
 * An account block does not stop a client address that logged in to that account recently
 * (`trustSeconds`): an attacker guessing alice's password must not lock alice out of her own
 * machine.
 */
export class InMemoryLoginThrottle implements LoginThrottle {
  private readonly accountFailures = new Map<string, number[]>();
  private readonly addressFailures = new Map<string, number[]>();
  private readonly trusted = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly options: LoginThrottleOptions,
  ) {}

  retryAfter(attempt: LoginAttempt): number | undefined {
    const now = this.clock.now().getTime();
    const waits = [
      this.wait(
        this.addressFailures,
        attempt.clientAddress,
        this.options.maxFailuresPerAddress,
        now,
      ),
    ];
    if (!this.isTrusted(attempt, now)) {
      waits.push(
        this.wait(this.accountFailures, attempt.username, this.options.maxFailuresPerAccount, now),
      );
    }

    const longest = Math.max(...waits.map((wait) => wait ?? 0));
    return longest > 0 ? longest : undefined;
  }

  recordFailure(attempt: LoginAttempt): void {
    const now = this.clock.now().getTime();
    this.add(this.accountFailures, attempt.username, now);
    this.add(this.addressFailures, attempt.clientAddress, now);
  }

  recordSuccess(attempt: LoginAttempt): void {
    const key = trustKey(attempt);
    this.trusted.delete(key);
    this.trusted.set(key, this.clock.now().getTime());
    this.bound(this.trusted);
  }

  // Seconds until the oldest failure in the window leaves it, once the limit is reached.
  private wait(
    failures: Map<string, number[]>,
    key: string,
    limit: number,
    now: number,
  ): number | undefined {
    const recent = this.recent(failures, key, now);
    if (recent.length < limit) return undefined;
    const oldest = recent[recent.length - limit] as number;
    return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }

  private add(failures: Map<string, number[]>, key: string, now: number): void {
    const recent = this.recent(failures, key, now);
    recent.push(now);
    // Only the last `limit` failures decide anything; keep no more of them.
    const limit = Math.max(this.options.maxFailuresPerAccount, this.options.maxFailuresPerAddress);
    failures.delete(key);
    failures.set(key, recent.slice(-limit));
    this.bound(failures);
  }

  private recent(failures: Map<string, number[]>, key: string, now: number): number[] {
    return (failures.get(key) ?? []).filter((at) => at > now - this.windowMs);
  }

  private isTrusted(attempt: LoginAttempt, now: number): boolean {
    const at = this.trusted.get(trustKey(attempt));
    return at !== undefined && at > now - this.options.trustSeconds * 1000;
  }

  private bound(map: Map<string, unknown>): void {
    while (map.size > this.options.maxTrackedKeys) {
      const oldest = map.keys().next();
      if (oldest.done === true) return;
      map.delete(oldest.value);
    }
  }

  private get windowMs(): number {
    return this.options.windowSeconds * 1000;
  }
}

function trustKey(attempt: LoginAttempt): string {
  return `${attempt.username.length}:${attempt.username}:${attempt.clientAddress}`;
}
