/** One login attempt: whose account, from which client address. */
export interface LoginAttempt {
  readonly username: string;
  readonly clientAddress: string;
}

/**
 * Limits failed logins per account and per client address, so that passwords cannot be guessed
 * at the speed of the user directory.
 *
 * A client that logged in to an account from its address keeps access to it while others fail
 * on the same account: an attack on an account must not lock its owner out.
 */
export interface LoginThrottle {
  /** Seconds to wait before this attempt may be checked, or undefined when it may go ahead. */
  retryAfter(attempt: LoginAttempt): number | undefined;

  recordFailure(attempt: LoginAttempt): void;

  recordSuccess(attempt: LoginAttempt): void;
}
