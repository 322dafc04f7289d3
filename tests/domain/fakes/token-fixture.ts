import { AccessPolicy } from '../../../src/domain/auth/access-policy.js';
import { TokenMinter, type TokenSettings } from '../../../src/domain/auth/token-minter.js';
import { FixedClock } from './fixed-clock.js';
import { InMemoryCredentialVerifier } from './in-memory-credential-verifier.js';
import { ReadableTokenSigner } from './readable-token-signer.js';
import { ScriptedLoginThrottle } from './scripted-login-throttle.js';

export const SETTINGS: TokenSettings = {
  issuer: 'auth.docker.com',
  service: 'registry.docker.com',
  accessTokenTtlSeconds: 300,
  refreshTokenTtlSeconds: 86_400,
};

/** The ports both token grants use, as fakes, with alice, bob and an admin in the directory. */
export function tokenFixture() {
  const clock = new FixedClock();
  const signer = new ReadableTokenSigner();
  const verifier = new InMemoryCredentialVerifier()
    .add('alice', 'alice-secret', { revision: 'r1' })
    .add('bob', 'bob-secret')
    .add('carol', 'carol-secret', { admin: true });
  const throttle = new ScriptedLoginThrottle();
  const policy = new AccessPolicy({
    adminUsers: [],
    pullAllAccounts: ['scheduling_service'],
    anonymousPull: { kind: 'none' },
  });
  const minter = new TokenMinter(policy, signer, clock, SETTINGS);

  return { clock, signer, verifier, throttle, minter };
}
