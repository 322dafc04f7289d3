import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { UsersServiceCredentialVerifier } from '../../../src/adapters/credentials/users-service-credential-verifier.js';
import { CredentialStoreUnavailableError } from '../../../src/domain/ports/credential-verifier.port.js';
import { Secret } from '../../../src/domain/shared/secret.js';
import { freePort } from '../../support/processes.js';
import { FakeUsersService } from '../../support/users-service.js';

let users: FakeUsersService;
let verifier: UsersServiceCredentialVerifier;

beforeEach(async () => {
  users = await FakeUsersService.start();
  users.add('alice', 'alice-secret').add('carol', 'carol-secret', true);
  verifier = new UsersServiceCredentialVerifier({ address: users.address, timeoutMs: 5000 });
});

afterEach(async () => {
  verifier.close();
  await users.stop();
});

describe('UsersServiceCredentialVerifier', () => {
  it('accepts the right password of a plain user', async () => {
    expect(await verifier.verify('alice', new Secret('alice-secret'))).toEqual({
      valid: true,
      account: { username: 'alice', admin: false },
    });
    expect(users.calls).toEqual(['alice']);
  });

  it('carries the admin flag the Users Service returns', async () => {
    expect(await verifier.verify('carol', new Secret('carol-secret'))).toEqual({
      valid: true,
      account: { username: 'carol', admin: true },
    });
  });

  it.each([
    ['a wrong password (401)', 'alice', 'guess'],
    ['an unknown user (401)', 'mallory', 'alice-secret'],
    ['an empty password (422)', 'alice', ''],
  ])('refuses %s', async (_case, username, password) => {
    expect(await verifier.verify(username, new Secret(password))).toEqual({ valid: false });
  });

  it('rejects as unavailable when the service answers a server error', async () => {
    users.forcedCode = 500;

    const verifying = verifier.verify('alice', new Secret('alice-secret'));

    await expect(verifying).rejects.toBeInstanceOf(CredentialStoreUnavailableError);
    await expect(verifying).rejects.toThrow(
      `users service at ${users.address} answered code 500 to Verify`,
    );
  });

  it('rejects as unavailable when nothing listens at the address', async () => {
    const port = await freePort();
    const unreachable = new UsersServiceCredentialVerifier({
      address: `127.0.0.1:${port}`,
      timeoutMs: 2000,
    });

    try {
      const verifying = unreachable.verify('alice', new Secret('alice-secret'));

      await expect(verifying).rejects.toBeInstanceOf(CredentialStoreUnavailableError);
      await expect(verifying).rejects.toThrow(
        new RegExp(`^users service at 127.0.0.1:${port} failed: `),
      );
    } finally {
      unreachable.close();
    }
  });

  it('cannot tell whether an account still exists without its password', async () => {
    expect(await verifier.status()).toEqual({ status: 'unknown' });
  });
});
