import { libtrustKeyId, jwkThumbprintKeyId } from '../../adapters/token/key-id.js';
import { SigningKeyError } from '../../adapters/token/signing-key.js';
import { ConfigError } from '../config/config-error.js';
import { loadServiceConfig, type ServiceConfig } from '../config/service-config.js';
import { loadConfiguredSigningKey } from '../token-server.js';

/** Where a command reads its configuration and writes its output. */
export interface KeyCommandIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export const KEYS_USAGE = 'usage: images-service keys\n';

/**
 * `images-service keys`: makes the token signing key and certificate under DATA_DIR when they
 * are missing (or checks TOKEN_KEY_FILE and TOKEN_CERT_FILE), and prints where they are with
 * the key's id in both formats. Resolves to the exit code: 0 done, 1 unusable key, 2 bad usage.
 */
export async function runKeysCommand(args: readonly string[], io: KeyCommandIo): Promise<number> {
  if (args.length > 0) {
    io.stderr.write(
      `images-service: keys takes no arguments, got "${args.join(' ')}"\n${KEYS_USAGE}`,
    );
    return 2;
  }
  const config = configOrReport(io);
  if (config === undefined) return 2;

  let loaded;
  try {
    loaded = await loadConfiguredSigningKey(config);
  } catch (error) {
    if (!(error instanceof SigningKeyError)) throw error;
    io.stderr.write(`images-service: ${error.message}\n`);
    return 1;
  }

  const { key, created } = loaded;
  const state = (path: string) => (created.includes(path) ? 'generated now' : 'existing');
  io.stdout.write(
    [
      `key:          ${key.keyPath} (${state(key.keyPath)})`,
      `certificate:  ${key.certificatePath} (${state(key.certificatePath)})`,
      `algorithm:    ${key.algorithm}`,
      `kid libtrust (registry 2.x):       ${libtrustKeyId(key.publicKey)}`,
      `kid jwk-thumbprint (registry 3.x): ${jwkThumbprintKeyId(key.publicKey)}`,
      `tokens name the key by:            ${config.auth.kidFormat} (TOKEN_KID_FORMAT)`,
      '',
    ].join('\n'),
  );
  return 0;
}

/** The configuration, or undefined after printing what is wrong with it. */
export function configOrReport(io: KeyCommandIo): ServiceConfig | undefined {
  try {
    return loadServiceConfig(io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`images-service: ${error.message}\n`);
    return undefined;
  }
}
