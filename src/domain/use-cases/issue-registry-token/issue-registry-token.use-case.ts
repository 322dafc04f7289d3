import { ANONYMOUS } from '../../auth/access-policy.js';
import {
  accountMismatch,
  credentialsUnavailable,
  invalidCredentials,
  tooManyAttempts,
  type AuthError,
} from '../../auth/auth-error.js';
import { parseScopes } from '../../auth/resource-scope.js';
import type { IssuedToken, TokenMinter } from '../../auth/token-minter.js';
import {
  CredentialStoreUnavailableError,
  type CredentialVerifier,
  type Verification,
} from '../../ports/credential-verifier.port.js';
import type { LoginThrottle } from '../../ports/login-throttle.port.js';
import { failure, success, type Result } from '../../shared/result.js';
import type { Secret } from '../../shared/secret.js';

export interface IssueRegistryTokenInput {
  /** The registry the token is for; absent means the one this service serves. */
  readonly service?: string;
  /** The raw `scope` values: each may hold several scopes separated by spaces. */
  readonly scopes: readonly string[];
  /** Basic credentials or the password grant's; absent asks for an anonymous token. */
  readonly credentials?: { readonly username: string; readonly password: Secret };
  /** The GET `account` parameter, which must name the authenticated user when both are given. */
  readonly account?: string;
  /** Where the request came from, for the failed-login limits. */
  readonly clientAddress: string;
  /** Whether to hand out a refresh token too (`offline_token=true`, `access_type=offline`). */
  readonly offline: boolean;
}

/**
 * Issues a registry access token for a user's password, or an anonymous one without
 * credentials (token.md and the password grant of oauth.md).
 *
 * The access granted is what was asked intersected with what the policy allows, never an error
 * when empty. Fails with UNKNOWN_SERVICE, INVALID_SCOPE, ACCOUNT_MISMATCH, TOO_MANY_ATTEMPTS
 * (before the password is checked), INVALID_CREDENTIALS, or CREDENTIALS_UNAVAILABLE when the
 * user directory cannot be asked.
 */
export class IssueRegistryToken {
  constructor(
    private readonly minter: TokenMinter,
    private readonly verifier: CredentialVerifier,
    private readonly throttle: LoginThrottle,
  ) {}

  async execute(input: IssueRegistryTokenInput): Promise<Result<IssuedToken, AuthError>> {
    const service = this.minter.checkService(input.service);
    if (!service.ok) return service;

    const requested = parseScopes(input.scopes);
    if (!requested.ok) return requested;

    const credentials = input.credentials;
    if (credentials === undefined) {
      return success(await this.minter.mint(ANONYMOUS, requested.value, { kind: 'none' }));
    }

    const { username } = credentials;
    if (input.account !== undefined && input.account !== '' && input.account !== username) {
      return failure(accountMismatch(input.account, username));
    }

    // Refused before the password is checked, so that guessing costs the directory nothing.
    const attempt = { username, clientAddress: input.clientAddress };
    const wait = this.throttle.retryAfter(attempt);
    if (wait !== undefined) return failure(tooManyAttempts(wait, username));

    let verification: Verification;
    try {
      verification = await this.verifier.verify(username, credentials.password);
    } catch (error) {
      if (error instanceof CredentialStoreUnavailableError) {
        return failure(credentialsUnavailable(error));
      }
      throw error;
    }

    if (!verification.valid) {
      this.throttle.recordFailure(attempt);
      return failure(invalidCredentials(username));
    }
    this.throttle.recordSuccess(attempt);

    const { account } = verification;
    const refresh = input.offline
      ? {
          kind: 'issue' as const,
          claims: {
            subject: account.username,
            service: service.value,
            admin: account.admin,
            ...(account.revision === undefined ? {} : { revision: account.revision }),
            // Only a directory that cannot be asked without it needs the password again.
            ...(this.verifier.checksStatusWithoutPassword
              ? {}
              : { password: credentials.password }),
          },
        }
      : { kind: 'none' as const };
    return success(await this.minter.mint({ kind: 'account', account }, requested.value, refresh));
  }
}
