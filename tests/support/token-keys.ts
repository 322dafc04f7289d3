import { execFile } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KeyFiles {
  readonly keyPath: string;
  readonly certificatePath: string;
}

/**
 * A private key and a self-signed certificate made by openssl, not by the service: for keys
 * given through TOKEN_KEY_FILE, and for the foreign keys that forged tokens are signed with.
 */
export async function opensslKeyFiles(
  directory: string,
  kind: 'ec' | 'rsa',
  name: string = kind,
): Promise<KeyFiles> {
  const keyPath = join(directory, `${name}-key.pem`);
  const certificatePath = join(directory, `${name}-cert.pem`);
  const algorithm =
    kind === 'ec'
      ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
      : ['-newkey', 'rsa:2048'];

  await run('openssl', [
    'req',
    '-x509',
    ...algorithm,
    '-nodes',
    '-days',
    '30',
    '-subj',
    `/CN=${name} test signer`,
    '-keyout',
    keyPath,
    '-out',
    certificatePath,
  ]);
  await chmod(keyPath, 0o600);
  return { keyPath, certificatePath };
}
