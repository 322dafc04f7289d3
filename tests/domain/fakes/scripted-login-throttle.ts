import type { LoginAttempt, LoginThrottle } from '../../../src/domain/ports/login-throttle.port.js';

/** A LoginThrottle that blocks whom it is told to and records what it was told. */
export class ScriptedLoginThrottle implements LoginThrottle {
  readonly failures: LoginAttempt[] = [];
  readonly successes: LoginAttempt[] = [];
  blockedFor: number | undefined;

  retryAfter(): number | undefined {
    return this.blockedFor;
  }

  recordFailure(attempt: LoginAttempt): void {
    this.failures.push(attempt);
  }

  recordSuccess(attempt: LoginAttempt): void {
    this.successes.push(attempt);
  }
}
