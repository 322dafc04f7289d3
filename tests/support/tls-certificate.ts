import { execFile } from 'node:child_process';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsCertificateFiles {
  readonly certificatePath: string;
  readonly keyPath: string;
  /** The certificate itself, for clients to trust. */
  readonly certificate: Buffer;
}

/**
 * A self-signed server certificate made by openssl for `localhost` and 127.0.0.1 (the names the
 * tests connect to), with its EC P-256 key readable by its owner only.
 */
export async function selfSignedServerCertificate(
  directory: string,
  name = 'server',
): Promise<TlsCertificateFiles> {
  const keyPath = join(directory, `${name}-tls-key.pem`);
  const certificatePath = join(directory, `${name}-tls-cert.pem`);

  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '30',
    '-subj',
    `/CN=${name} test server`,
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    keyPath,
    '-out',
    certificatePath,
  ]);
  await chmod(keyPath, 0o600);
  return { certificatePath, keyPath, certificate: await readFile(certificatePath) };
}
