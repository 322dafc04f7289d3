import type { Account } from '../../auth/access-policy.js';
import {
  credentialsUnavailable,
  invalidRefreshToken,
  type AuthError,
} from '../../auth/auth-error.js';
import { parseScopes } from '../../auth/resource-scope.js';
import type { IssuedToken, TokenMinter } from '../../auth/token-minter.js';
import {
  CredentialStoreUnavailableError,
  type AccountStatus,
  type CredentialVerifier,
} from '../../ports/credential-verifier.port.js';
import type { Clock } from '../../ports/clock.port.js';
import type { RefreshTokenClaims, TokenSigner } from '../../ports/token-signer.port.js';
import { failure, success, type Result } from '../../shared/result.js';
import type { Secret } from '../../shared/secret.js';

export interface RefreshRegistryTokenInput {
  readonly service?: string;
  /** The raw `scope` values, as for the password grant. */
  readonly scopes: readonly string[];
  readonly refreshToken: Secret;
  /** `access_type=offline`: the answer then repeats the refresh token. */
  readonly offline: boolean;
}

/**
 * Issues an access token for the subject of a refresh token (the refresh_token grant of
 * oauth.md), with the access the policy gives that subject now.
 *
 * The account is checked again at every refresh. A directory that can be asked without the
 * password must still know the account (`status`), and where it reports a credential revision,
 * that revision must be the one the token was issued under: a changed password revokes refresh
 * tokens. For a directory that can only verify passwords, the token carries the password sealed
 * inside it, and the refresh verifies it again. A directory that can tell neither (`unknown`,
 * no sealed password) leaves the token valid until it expires.
 *
 * Fails with UNKNOWN_SERVICE, INVALID_SCOPE, INVALID_REFRESH_TOKEN (not ours, altered, expired,
 * for another service, or the account is gone or changed) or CREDENTIALS_UNAVAILABLE.
 */
export class RefreshRegistryToken {
  constructor(
    private readonly minter: TokenMinter,
    private readonly signer: TokenSigner,
    private readonly verifier: CredentialVerifier,
    private readonly clock: Clock,
  ) {}

  async execute(input: RefreshRegistryTokenInput): Promise<Result<IssuedToken, AuthError>> {
    const service = this.minter.checkService(input.service);
    if (!service.ok) return service;

    const requested = parseScopes(input.scopes);
    if (!requested.ok) return requested;

    const claims = await this.signer.verifyRefreshToken(
      input.refreshToken.reveal(),
      this.clock.now(),
    );
    if (claims === undefined) return failure(invalidRefreshToken('not a valid refresh token'));
    if (claims.service !== service.value) {
      return failure(invalidRefreshToken(`issued for service "${claims.service}"`, claims.subject));
    }

    let account: Result<Account, AuthError>;
    try {
      account = await this.recheck(claims);
    } catch (error) {
      if (error instanceof CredentialStoreUnavailableError) {
        return failure(credentialsUnavailable(error));
      }
      throw error;
    }
    if (!account.ok) return account;

    const refresh = input.offline
      ? { kind: 'reuse' as const, token: input.refreshToken }
      : { kind: 'none' as const };
    return success(
      await this.minter.mint({ kind: 'account', account: account.value }, requested.value, refresh),
    );
  }

  /** Asks the directory about the token's account, with the sealed password when it has one. */
  private async recheck(claims: RefreshTokenClaims): Promise<Result<Account, AuthError>> {
    if (claims.password === undefined) {
      return accountFromStatus(claims, await this.verifier.status(claims.subject));
    }

    const verification = await this.verifier.verify(claims.subject, claims.password);
    if (!verification.valid) {
      return failure(invalidRefreshToken('the account no longer verifies', claims.subject));
    }
    return success({ username: claims.subject, admin: verification.account.admin });
  }
}

// The account as the directory knows it now, or why the refresh token no longer stands for it.
function accountFromStatus(
  claims: RefreshTokenClaims,
  status: AccountStatus,
): Result<Account, AuthError> {
  const subject = claims.subject;
  if (status.status === 'gone') {
    return failure(invalidRefreshToken('the account no longer exists', subject));
  }
  if (status.status === 'unknown') return success({ username: subject, admin: claims.admin });

  if (claims.revision !== undefined && status.account.revision !== claims.revision) {
    return failure(invalidRefreshToken('the password changed since it was issued', subject));
  }
  return success({ username: subject, admin: status.account.admin });
}
