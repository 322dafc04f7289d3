import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadTlsIdentity, TlsFileError } from '../../../src/adapters/tls/tls-identity.js';
import {
  selfSignedServerCertificate,
  type TlsCertificateFiles,
} from '../../support/tls-certificate.js';

describe('loadTlsIdentity', () => {
  let directory: string;
  let server: TlsCertificateFiles;
  let other: TlsCertificateFiles;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tls-identity-'));
    server = await selfSignedServerCertificate(directory, 'server');
    other = await selfSignedServerCertificate(directory, 'other');
  });

  afterAll(async () => rm(directory, { recursive: true, force: true }));

  /** A file of the test's own with `content` and `mode`. */
  async function file(name: string, content: string | Buffer, mode = 0o600): Promise<string> {
    const path = join(directory, name);
    await writeFile(path, content);
    await chmod(path, mode);
    return path;
  }

  it('loads a certificate and the key it certifies as the PEM bytes of the files', async () => {
    const identity = await loadTlsIdentity(server);

    expect(identity.certificateChain.equals(server.certificate)).toBe(true);
    expect(identity.key.equals(await readFile(server.keyPath))).toBe(true);
  });

  it('refuses a key file that group or others may read, naming it and the fix', async () => {
    const keyPath = await file('readable-key.pem', await readFile(server.keyPath), 0o644);

    const loading = loadTlsIdentity({ certificatePath: server.certificatePath, keyPath });

    await expect(loading).rejects.toBeInstanceOf(TlsFileError);
    await expect(loading).rejects.toThrow(
      `TLS_KEY_FILE "${keyPath}" is accessible by group or others (mode 0644): ` +
        'run chmod 600 on it',
    );
  });

  it.each([
    {
      case: 'a missing key file',
      files: () => ({ certificatePath: server.certificatePath, keyPath: join(directory, 'none') }),
      message: (keyPath: string) => `TLS_KEY_FILE "${keyPath}" cannot be read (ENOENT)`,
    },
    {
      case: 'a missing certificate file',
      files: () => ({ certificatePath: join(directory, 'none.pem'), keyPath: server.keyPath }),
      message: (_: string, certificatePath: string) =>
        `TLS_CERT_FILE "${certificatePath}" cannot be read (ENOENT)`,
    },
  ])('names the variable and the file for $case', async ({ files, message }) => {
    const { certificatePath, keyPath } = files();

    await expect(loadTlsIdentity({ certificatePath, keyPath })).rejects.toThrow(
      message(keyPath, certificatePath),
    );
  });

  it('refuses a key file that holds no PEM key', async () => {
    const keyPath = await file('not-a-key.pem', 'not a key\n');

    await expect(
      loadTlsIdentity({ certificatePath: server.certificatePath, keyPath }),
    ).rejects.toThrow(new RegExp(`^TLS_KEY_FILE "${keyPath}" is not valid PEM \\(`));
  });

  it('refuses a certificate file that holds no PEM certificate', async () => {
    const certificatePath = await file('no-certificate.pem', 'just text\n', 0o644);

    await expect(loadTlsIdentity({ certificatePath, keyPath: server.keyPath })).rejects.toThrow(
      `TLS_CERT_FILE "${certificatePath}" holds no PEM certificate`,
    );
  });

  it('refuses a certificate of another key, naming both files', async () => {
    const loading = loadTlsIdentity({
      certificatePath: other.certificatePath,
      keyPath: server.keyPath,
    });

    await expect(loading).rejects.toThrow(
      `TLS_CERT_FILE "${other.certificatePath}" certifies another key than ` +
        `TLS_KEY_FILE "${server.keyPath}"`,
    );
  });
});
