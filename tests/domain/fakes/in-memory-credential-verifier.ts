import {
  CredentialStoreUnavailableError,
  type AccountStatus,
  type CredentialVerifier,
  type Verification,
} from '../../../src/domain/ports/credential-verifier.port.js';
import type { Secret } from '../../../src/domain/shared/secret.js';

interface StoredAccount {
  password: string;
  admin: boolean;
  revision?: string;
}

/** A user directory in memory; `statusKnown: false` plays a directory that cannot be asked. */
export class InMemoryCredentialVerifier implements CredentialVerifier {
  private readonly accounts = new Map<string, StoredAccount>();
  readonly verified: string[] = [];

  /** Set to make every call reject, as an unreachable directory would. */
  unavailable = false;
  statusKnown = true;

  get checksStatusWithoutPassword(): boolean {
    return this.statusKnown;
  }

  add(
    username: string,
    password: string,
    options: { admin?: boolean; revision?: string } = {},
  ): this {
    this.accounts.set(username, { password, admin: options.admin ?? false, ...options });
    return this;
  }

  remove(username: string): void {
    this.accounts.delete(username);
  }

  async verify(username: string, password: Secret): Promise<Verification> {
    this.failIfAsked();
    this.verified.push(username);
    const stored = this.accounts.get(username);
    if (stored === undefined || stored.password !== password.reveal()) return { valid: false };
    return { valid: true, account: this.account(username, stored) };
  }

  async status(username: string): Promise<AccountStatus> {
    this.failIfAsked();
    if (!this.statusKnown) return { status: 'unknown' };
    const stored = this.accounts.get(username);
    return stored === undefined
      ? { status: 'gone' }
      : { status: 'active', account: this.account(username, stored) };
  }

  private account(username: string, stored: StoredAccount) {
    return {
      username,
      admin: stored.admin,
      ...(stored.revision === undefined ? {} : { revision: stored.revision }),
    };
  }

  private failIfAsked(): void {
    if (this.unavailable) throw new CredentialStoreUnavailableError('directory is down');
  }
}
