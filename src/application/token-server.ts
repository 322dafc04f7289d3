import type { Logger } from 'pino';

import { HtpasswdCredentialVerifier } from '../adapters/credentials/htpasswd-credential-verifier.js';
import { noCredentialVerifier } from '../adapters/credentials/no-credential-verifier.js';
import { UsersServiceCredentialVerifier } from '../adapters/credentials/users-service-credential-verifier.js';
import {
  loadOrGenerateSigningKey,
  type GeneratedSigningKey,
} from '../adapters/token/generated-signing-key.js';
import { keyId } from '../adapters/token/key-id.js';
import { loadSigningKey, type SigningKey } from '../adapters/token/signing-key.js';
import type { CredentialVerifier } from '../domain/ports/credential-verifier.port.js';
import type { ServiceConfig } from './config/service-config.js';

/** What the token server needs opened before the container can be built. */
export interface TokenServerResources {
  readonly signingKey: SigningKey;
  /** The user directory itself, before caching. */
  readonly credentialStore: CredentialVerifier;
  close(): Promise<void>;
}

/** Seconds between looks at USERS_FILE for changes. */
const USERS_FILE_RECHECK_MS = 1000;

/**
 * Loads the signing key (TOKEN_KEY_FILE, or the generated one under DATA_DIR) and opens the
 * user directory. Fails the start when either cannot be used, with a message naming the file.
 */
export async function openTokenServerResources(
  config: ServiceConfig,
  logger: Logger,
): Promise<TokenServerResources> {
  const { key: signingKey, created } = await loadConfiguredSigningKey(config);
  if (created.length > 0) logger.info({ files: created }, 'token signing key generated');
  logger.info(
    {
      algorithm: signingKey.algorithm,
      certificate: signingKey.certificatePath,
      kid: keyId(signingKey.publicKey, config.auth.kidFormat),
    },
    'token signing key loaded',
  );

  const source = config.auth.credentials;
  switch (source.kind) {
    case 'users-service': {
      const verifier = new UsersServiceCredentialVerifier(source);
      logger.info({ address: source.address }, 'passwords checked by the users service');
      return { signingKey, credentialStore: verifier, close: async () => verifier.close() };
    }
    case 'htpasswd': {
      const verifier = await HtpasswdCredentialVerifier.open(
        { path: source.path, recheckIntervalMs: USERS_FILE_RECHECK_MS },
        logger,
      );
      logger.info(
        { path: source.path, users: verifier.size },
        'passwords checked against the users file',
      );
      return { signingKey, credentialStore: verifier, close: async () => undefined };
    }
    case 'none':
      logger.warn('neither USERS_SERVICE_ADDR nor USERS_FILE is set: only anonymous tokens');
      return { signingKey, credentialStore: noCredentialVerifier, close: async () => undefined };
  }
}

/** TOKEN_KEY_FILE and TOKEN_CERT_FILE when set, else the key under DATA_DIR, made if missing. */
export async function loadConfiguredSigningKey(
  config: ServiceConfig,
): Promise<GeneratedSigningKey> {
  const files = config.auth.keyFiles;
  if (files === undefined) return loadOrGenerateSigningKey(config.dataDir);

  const key = await loadSigningKey({
    ...files,
    keyLabel: 'TOKEN_KEY_FILE',
    certificateLabel: 'TOKEN_CERT_FILE',
  });
  return { key, created: [] };
}
