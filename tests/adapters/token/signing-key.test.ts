import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadOrGenerateSigningKey } from '../../../src/adapters/token/generated-signing-key.js';
import { loadSigningKey, SigningKeyError } from '../../../src/adapters/token/signing-key.js';
import { opensslKeyFiles } from '../../support/token-keys.js';

const run = promisify(execFile);
let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'signing-key-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const labels = { keyLabel: 'TOKEN_KEY_FILE', certificateLabel: 'TOKEN_CERT_FILE' };

describe('loadOrGenerateSigningKey', () => {
  it('creates a P-256 key only its owner may read and a certificate for it on first start', async () => {
    const { key, created } = await loadOrGenerateSigningKey(directory);

    expect(created).toEqual([key.keyPath, key.certificatePath]);
    expect(key.keyPath).toBe(join(directory, 'token', 'signing-key.pem'));
    expect(key.algorithm).toBe('ES256');
    expect((await stat(key.keyPath)).mode & 0o777).toBe(0o600);
    expect((await stat(join(directory, 'token'))).mode & 0o777).toBe(0o700);
    const certificate = new X509Certificate(await readFile(key.certificatePath));
    expect(certificate.publicKey.equals(key.publicKey)).toBe(true);
    expect(key.certificateChain).toEqual([certificate.raw.toString('base64')]);
  });

  it('makes a self-signed CA certificate that openssl verifies against itself', async () => {
    const { key } = await loadOrGenerateSigningKey(directory);

    const { stdout } = await run('openssl', [
      'verify',
      '-CAfile',
      key.certificatePath,
      key.certificatePath,
    ]);
    const certificate = new X509Certificate(await readFile(key.certificatePath));

    expect(stdout).toContain(': OK');
    expect(certificate.ca).toBe(true);
    expect(certificate.subject).toBe('CN=images-service token signer');
  });

  it('dates the certificate a day back, for registries whose clock runs behind', async () => {
    const now = new Date('2026-05-06T07:08:09Z');

    const { key } = await loadOrGenerateSigningKey(directory, now);

    const certificate = new X509Certificate(await readFile(key.certificatePath));
    expect(new Date(certificate.validFrom)).toEqual(new Date('2026-05-05T07:08:09Z'));
    expect(new Date(certificate.validTo)).toEqual(new Date('2036-05-06T07:08:09Z'));
  });

  it('reuses the key and certificate of an earlier start', async () => {
    const first = await loadOrGenerateSigningKey(directory);
    const pem = await readFile(first.key.certificatePath, 'utf8');

    const second = await loadOrGenerateSigningKey(directory);

    expect(second.created).toEqual([]);
    expect(second.key.publicKey.equals(first.key.publicKey)).toBe(true);
    expect(await readFile(second.key.certificatePath, 'utf8')).toBe(pem);
  });

  it('certifies a key left without certificate by an interrupted start', async () => {
    const first = await loadOrGenerateSigningKey(directory);
    await unlink(first.key.certificatePath);

    const second = await loadOrGenerateSigningKey(directory);

    expect(second.created).toEqual([first.key.certificatePath]);
    expect(second.key.publicKey.equals(first.key.publicKey)).toBe(true);
  });

  it('refuses a generated key that someone made readable by others', async () => {
    const { key } = await loadOrGenerateSigningKey(directory);
    await chmod(key.keyPath, 0o644);

    await expect(loadOrGenerateSigningKey(directory)).rejects.toThrow(
      `generated token key "${key.keyPath}" is accessible by group or others (mode 0644): run chmod 600 on it`,
    );
  });
});

describe('loadSigningKey', () => {
  it('loads an EC key and certificate made by openssl for ES256', async () => {
    const files = await opensslKeyFiles(directory, 'ec');

    const key = await loadSigningKey({ ...files, ...labels });

    expect(key.algorithm).toBe('ES256');
    expect(key.certificatePath).toBe(files.certificatePath);
  });

  it('loads an RSA key for RS256', async () => {
    const files = await opensslKeyFiles(directory, 'rsa');

    const key = await loadSigningKey({ ...files, ...labels });

    expect(key.algorithm).toBe('RS256');
  });

  it('keeps every certificate of a chain, leaf first', async () => {
    const files = await opensslKeyFiles(directory, 'ec');
    const other = await opensslKeyFiles(directory, 'ec', 'ca');
    const chainPath = join(directory, 'chain.pem');
    const pems = await Promise.all(
      [files.certificatePath, other.certificatePath].map((path) => readFile(path, 'utf8')),
    );
    await writeFile(chainPath, pems.join(''));

    const key = await loadSigningKey({ ...files, certificatePath: chainPath, ...labels });

    expect(key.certificateChain).toHaveLength(2);
    expect(key.certificateChain[0]).toBe(
      new X509Certificate(pems[0] as string).raw.toString('base64'),
    );
  });

  it.each([0o640, 0o604, 0o660, 0o700 | 0o004])('refuses a key file with mode %o', async (mode) => {
    const files = await opensslKeyFiles(directory, 'ec');
    await chmod(files.keyPath, mode);

    const loading = loadSigningKey({ ...files, ...labels });

    await expect(loading).rejects.toBeInstanceOf(SigningKeyError);
    await expect(loading).rejects.toThrow(
      `TOKEN_KEY_FILE "${files.keyPath}" is accessible by group or others (mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 on it`,
    );
  });

  it('refuses a certificate for another key', async () => {
    const files = await opensslKeyFiles(directory, 'ec');
    const other = await opensslKeyFiles(directory, 'ec', 'other');

    await expect(
      loadSigningKey({ ...files, certificatePath: other.certificatePath, ...labels }),
    ).rejects.toThrow(
      `TOKEN_CERT_FILE "${other.certificatePath}" certifies another key than TOKEN_KEY_FILE "${files.keyPath}"`,
    );
  });

  it('refuses a missing key file, naming it', async () => {
    const files = await opensslKeyFiles(directory, 'ec');
    const missing = join(directory, 'missing.pem');

    await expect(loadSigningKey({ ...files, keyPath: missing, ...labels })).rejects.toThrow(
      `TOKEN_KEY_FILE "${missing}" cannot be read (ENOENT)`,
    );
  });

  it('refuses a key file that is not PEM', async () => {
    const files = await opensslKeyFiles(directory, 'ec');
    await writeFile(files.keyPath, 'not a key', { mode: 0o600 });

    await expect(loadSigningKey({ ...files, ...labels })).rejects.toThrow(
      new RegExp(`^TOKEN_KEY_FILE "${files.keyPath}" is not valid PEM`),
    );
  });

  it('refuses a certificate file without certificate', async () => {
    const files = await opensslKeyFiles(directory, 'ec');
    await writeFile(files.certificatePath, 'nothing here');

    await expect(loadSigningKey({ ...files, ...labels })).rejects.toThrow(
      `TOKEN_CERT_FILE "${files.certificatePath}" holds no PEM certificate`,
    );
  });

  it('refuses an EC key on another curve than P-256', async () => {
    const keyPath = join(directory, 'p384.pem');
    const certificatePath = join(directory, 'p384-cert.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-384',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=p384',
      '-keyout',
      keyPath,
      '-out',
      certificatePath,
    ]);
    await chmod(keyPath, 0o600);

    await expect(loadSigningKey({ keyPath, certificatePath, ...labels })).rejects.toThrow(
      `TOKEN_KEY_FILE "${keyPath}" is neither an EC P-256 key nor an RSA key of at least 2048 bits`,
    );
  });
});

describe('loadOrGenerateSigningKey started twice at once', () => {
  it('ends with one key that both starts share', async () => {
    const [first, second] = await Promise.all([
      loadOrGenerateSigningKey(directory),
      loadOrGenerateSigningKey(directory),
    ]);

    expect(first.key.publicKey.equals(second.key.publicKey)).toBe(true);
    expect(first.key.certificateChain).toEqual(second.key.certificateChain);
    expect([...first.created, ...second.created].sort()).toEqual(
      [first.key.certificatePath, first.key.keyPath].sort(),
    );
  });
});
