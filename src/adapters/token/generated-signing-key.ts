// @peculiar/x509 resolves its services through tsyringe, which needs the metadata polyfill first.
import 'reflect-metadata';

import { createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as x509 from '@peculiar/x509';

import { publishOnce } from '../files/publish-once.js';
import { loadSigningKey, type SigningKey } from './signing-key.js';

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { ...EC_P256, hash: 'SHA-256' } as const;
const KEY_FILE = 'signing-key.pem';
const CERTIFICATE_FILE = 'signing-cert.pem';
const VALIDITY_YEARS = 10;
/** Registries check the certificate's validity by their own clocks, which may run behind. */
const BACKDATE_MS = 24 * 3600 * 1000;

export interface GeneratedSigningKey {
  readonly key: SigningKey;
  /** What was created now: nothing when both files were there from an earlier start. */
  readonly created: readonly string[];
}

/**
 * The service's own signing key and self-signed certificate under `<dataDir>/token`, created on
 * first use and reused afterwards: registries trust the certificate once, so it must outlive
 * restarts. A key without certificate (an interrupted first start) gets a new certificate.
 */
export async function loadOrGenerateSigningKey(
  dataDir: string,
  now: Date = new Date(),
): Promise<GeneratedSigningKey> {
  const directory = join(dataDir, 'token');
  const keyPath = join(directory, KEY_FILE);
  const certificatePath = join(directory, CERTIFICATE_FILE);
  await mkdir(directory, { recursive: true, mode: 0o700 });

  const created: string[] = [];
  let keyPem = await readIfPresent(keyPath);
  if (keyPem === undefined) {
    if (await publishOnce(keyPath, await generateKeyPem(), 0o600)) created.push(keyPath);
    keyPem = await readFile(keyPath, 'utf8');
  }

  if ((await readIfPresent(certificatePath)) === undefined) {
    const certificate = await selfSignedCertificate(keyPem, now);
    if (await publishOnce(certificatePath, certificate, 0o644)) created.push(certificatePath);
  }

  const key = await loadSigningKey({
    keyPath,
    certificatePath,
    keyLabel: 'generated token key',
    certificateLabel: 'generated token certificate',
  });
  return { key, created };
}

async function generateKeyPem(): Promise<string> {
  const pair = await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', pair.privateKey));
  return pem('PRIVATE KEY', pkcs8);
}

async function selfSignedCertificate(keyPem: string, now: Date): Promise<string> {
  const privateKey = createPrivateKey(keyPem);
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, EC_P256, false, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', spki, EC_P256, true, ['verify']),
  };

  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS);

  // A positive 128-bit serial without a leading zero byte, as RFC 5280 asks.
  const serial = randomBytes(16);
  serial.writeUInt8(0x40 | (serial.readUInt8(0) & 0x3f), 0);

  x509.cryptoProvider.set(webcrypto as unknown as ReturnType<typeof x509.cryptoProvider.get>);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: 'CN=images-service token signer',
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: SIGNING,
    extensions: [
      // The certificate is its own root: registries put it in their trust pool as is.
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return certificate.toString('pem') + '\n';
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function pem(label: string, der: Buffer): string {
  const body =
    der
      .toString('base64')
      .match(/.{1,64}/g)
      ?.join('\n') ?? '';
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}
