import type { CredentialVerifier } from '../../domain/ports/credential-verifier.port.js';

/**
 * The directory when neither USERS_SERVICE_ADDR nor USERS_FILE is set: nobody can log in, and
 * anonymous tokens grant what ANONYMOUS_PULL allows.
 */
export const noCredentialVerifier: CredentialVerifier = {
  checksStatusWithoutPassword: true,
  verify: async () => ({ valid: false }),
  status: async () => ({ status: 'gone' }),
};
