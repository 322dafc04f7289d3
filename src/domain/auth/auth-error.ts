/**
 * Every expected failure of the token server. The HTTP adapter maps each code to a status and
 * body in one place; anything thrown instead of returned is unexpected and becomes a 500.
 */
export type AuthErrorCode =
  | 'INVALID_SCOPE'
  | 'UNKNOWN_SERVICE'
  | 'UNSUPPORTED_GRANT_TYPE'
  | 'MISSING_PARAMETER'
  | 'ACCOUNT_MISMATCH'
  | 'INVALID_CREDENTIALS'
  | 'INVALID_REFRESH_TOKEN'
  | 'TOO_MANY_ATTEMPTS'
  | 'CREDENTIALS_UNAVAILABLE';

/** The values a failure is about, so that transports and logs need not parse the message. */
export interface AuthErrorFields {
  /** The input as the client sent it; never a password or token. */
  readonly value?: string;
  /** The request parameter at fault, such as `scope` or `grant_type`. */
  readonly parameter?: string;
  readonly username?: string;
  /** Why the value was refused, for the log. */
  readonly reason?: string;
  /** How long the client must wait before trying again. */
  readonly retryAfterSeconds?: number;
}

export class AuthError extends Error {
  override readonly name = 'AuthError';

  constructor(
    readonly code: AuthErrorCode,
    message: string,
    readonly fields: AuthErrorFields = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function invalidScope(value: string, rule: string): AuthError {
  return new AuthError('INVALID_SCOPE', `scope "${value}" ${rule}`, {
    value,
    parameter: 'scope',
    reason: rule,
  });
}

export function unknownService(value: string, served: string): AuthError {
  return new AuthError(
    'UNKNOWN_SERVICE',
    `service "${value}" is not served here: expected "${served}"`,
    { value, parameter: 'service' },
  );
}

export function unsupportedGrantType(value: string | undefined): AuthError {
  const expected = 'use "password" or "refresh_token"';
  if (value === undefined) {
    return new AuthError('UNSUPPORTED_GRANT_TYPE', `grant_type is required: ${expected}`, {
      parameter: 'grant_type',
    });
  }
  return new AuthError(
    'UNSUPPORTED_GRANT_TYPE',
    `grant_type "${value}" is not supported: ${expected}`,
    { value, parameter: 'grant_type' },
  );
}

export function missingParameter(parameter: string, grant: string): AuthError {
  return new AuthError('MISSING_PARAMETER', `${parameter} is required for the ${grant} grant`, {
    parameter,
  });
}

export function accountMismatch(account: string, username: string): AuthError {
  return new AuthError(
    'ACCOUNT_MISMATCH',
    `account "${account}" differs from the authenticated user "${username}"`,
    { value: account, parameter: 'account', username },
  );
}

/** The message never says which of the two was wrong, so that it cannot reveal who exists. */
export function invalidCredentials(username: string): AuthError {
  return new AuthError('INVALID_CREDENTIALS', 'invalid username or password', { username });
}

/** An Authorization header that holds no Basic credentials to check. */
export function unreadableCredentials(rule: string): AuthError {
  return new AuthError('INVALID_CREDENTIALS', `the Authorization header ${rule}`, { reason: rule });
}

export function invalidRefreshToken(reason: string, username?: string): AuthError {
  return new AuthError(
    'INVALID_REFRESH_TOKEN',
    'the refresh token is invalid, expired or revoked',
    username === undefined ? { reason } : { reason, username },
  );
}

export function tooManyAttempts(retryAfterSeconds: number, username: string): AuthError {
  return new AuthError(
    'TOO_MANY_ATTEMPTS',
    `too many failed logins: retry in ${retryAfterSeconds} s`,
    { retryAfterSeconds, username },
  );
}

export function credentialsUnavailable(cause: unknown): AuthError {
  return new AuthError(
    'CREDENTIALS_UNAVAILABLE',
    'the user directory cannot be reached: retry later',
    {},
    { cause },
  );
}
