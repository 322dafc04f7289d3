import { ClientError, Status, createChannel, createClient, type Channel } from 'nice-grpc';

import { UsersAPIDefinition, type UsersAPIClient } from '../../../generated/users_api.js';
import {
  CredentialStoreUnavailableError,
  type AccountStatus,
  type CredentialVerifier,
  type Verification,
} from '../../domain/ports/credential-verifier.port.js';
import type { Secret } from '../../domain/shared/secret.js';

export interface UsersServiceOptions {
  /** `host:port` of FogCore's Users Service (USERS_SERVICE_ADDR). */
  readonly address: string;
  readonly timeoutMs: number;
}

/** The codes of users_api.proto's ResponseWithUser.status. */
const VALID = 200;
const REFUSED = new Set([401, 404, 422]);

/**
 * Verifies passwords with FogCore's Users Service over gRPC (`/UsersAPI/Verify`). The service
 * compares hashes itself, so unknown users cost it as much as wrong passwords.
 */
export class UsersServiceCredentialVerifier implements CredentialVerifier {
  private readonly channel: Channel;
  private readonly client: UsersAPIClient;

  constructor(private readonly options: UsersServiceOptions) {
    this.channel = createChannel(options.address);
    this.client = createClient(UsersAPIDefinition, this.channel);
  }

  async verify(username: string, password: Secret): Promise<Verification> {
    let answer;
    try {
      answer = await this.client.verify(
        { username, password: password.reveal() },
        { signal: AbortSignal.timeout(this.options.timeoutMs) },
      );
    } catch (error) {
      throw new CredentialStoreUnavailableError(
        `users service at ${this.options.address} failed: ${describe(error, this.options.timeoutMs)}`,
        { cause: error },
      );
    }

    const code = answer.status?.code ?? 0;
    if (code === VALID) {
      return { valid: true, account: { username, admin: answer.user?.admin ?? false } };
    }
    if (REFUSED.has(code)) return { valid: false };
    throw new CredentialStoreUnavailableError(
      `users service at ${this.options.address} answered code ${code} to Verify`,
    );
  }

  // The contract has no password-less lookup: refresh tokens carry the password, sealed, and a
  // refresh asks Verify again instead.
  readonly checksStatusWithoutPassword = false;

  async status(): Promise<AccountStatus> {
    return { status: 'unknown' };
  }

  close(): void {
    this.channel.close();
  }
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'AbortError')
    return `no answer within ${timeoutMs} ms`;
  if (error instanceof ClientError) return `${Status[error.code]}: ${error.details}`;
  return error instanceof Error ? error.message : String(error);
}
