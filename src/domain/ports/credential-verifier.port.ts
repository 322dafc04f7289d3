import type { Account } from '../auth/access-policy.js';
import type { Secret } from '../shared/secret.js';

/** The user directory could not answer: neither "valid" nor "invalid" can be said. */
export class CredentialStoreUnavailableError extends Error {
  override readonly name = 'CredentialStoreUnavailableError';
}

/** A verified account, with a fingerprint of the credential it was verified against. */
export interface VerifiedAccount extends Account {
  /**
   * Changes whenever the account's password does, when the store can tell (htpasswd); a refresh
   * token carries it, so that changing a password revokes the account's refresh tokens.
   */
  readonly revision?: string;
}

export type Verification =
  { readonly valid: true; readonly account: VerifiedAccount } | { readonly valid: false };

/**
 * Whether an account can still log in, asked without its password (for refresh tokens):
 * `active` with its current state, `gone` when it was removed or disabled, or `unknown` when the
 * store has no way to tell.
 */
export type AccountStatus =
  | { readonly status: 'active'; readonly account: VerifiedAccount }
  | { readonly status: 'gone' }
  | { readonly status: 'unknown' };

/**
 * The user directory: FogCore's Users Service or an htpasswd file.
 *
 * Unknown users must take as long to refuse as known ones with a wrong password. Both methods
 * reject with CredentialStoreUnavailableError when the directory cannot be asked; never with
 * "invalid", which clients would take for wrong credentials.
 */
export interface CredentialVerifier {
  /**
   * Whether `status` can tell an account's state without its password. When it cannot (the
   * Users Service), refresh tokens carry the password sealed inside them, and a refresh
   * verifies it again: the token then fails as soon as the account no longer verifies.
   */
  readonly checksStatusWithoutPassword: boolean;

  verify(username: string, password: Secret): Promise<Verification>;

  status(username: string): Promise<AccountStatus>;
}
