import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/** The key that signs tokens, with the certificate chain registries verify it by. */
export interface SigningKey {
  readonly algorithm: 'ES256' | 'RS256';
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** DER certificates in base64, leaf first, as the `x5c` header carries them. */
  readonly certificateChain: readonly string[];
  readonly keyPath: string;
  /** The file to give registries as `rootcertbundle`. */
  readonly certificatePath: string;
}

/** The key or certificate cannot be used; the message names the file and what to do. */
export class SigningKeyError extends Error {
  override readonly name = 'SigningKeyError';
}

export interface SigningKeyFiles {
  readonly keyPath: string;
  readonly certificatePath: string;
  /** How messages name the files, e.g. `TOKEN_KEY_FILE`. */
  readonly keyLabel: string;
  readonly certificateLabel: string;
}

/**
 * Loads a PEM private key (EC P-256 or RSA of 2048 bits or more) and the PEM certificate chain
 * that certifies it. Refuses a key file that group or others may access: the key lets anyone
 * who reads it push to every repository.
 */
export async function loadSigningKey(files: SigningKeyFiles): Promise<SigningKey> {
  const { keyPath, certificatePath, keyLabel, certificateLabel } = files;
  await checkPrivate(keyPath, keyLabel);

  const keyPem = await readFile(keyPath, 'utf8');
  const privateKey = parse(keyLabel, keyPath, () => createPrivateKey(keyPem));
  const publicKey = createPublicKey(privateKey);
  const algorithm = algorithmOf(privateKey, keyLabel, keyPath);

  const chain = await readCertificates(certificatePath, certificateLabel);
  const leaf = chain[0] as X509Certificate;
  if (!leaf.publicKey.equals(publicKey)) {
    throw new SigningKeyError(
      `${certificateLabel} "${certificatePath}" certifies another key than ${keyLabel} "${keyPath}"`,
    );
  }

  return {
    algorithm,
    privateKey,
    publicKey,
    certificateChain: chain.map((certificate) => certificate.raw.toString('base64')),
    keyPath,
    certificatePath,
  };
}

async function checkPrivate(path: string, label: string): Promise<void> {
  const mode = (await statOrFail(path, label)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new SigningKeyError(
      `${label} "${path}" is accessible by group or others (mode ${mode.toString(8).padStart(4, '0')}): ` +
        `run chmod 600 on it`,
    );
  }
}

async function readCertificates(path: string, label: string): Promise<X509Certificate[]> {
  await statOrFail(path, label);
  const pem = await readFile(path, 'utf8');
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw new SigningKeyError(`${label} "${path}" holds no PEM certificate`);
  }
  return blocks.map((block) => parse(label, path, () => new X509Certificate(block)));
}

function algorithmOf(key: KeyObject, label: string, path: string): SigningKey['algorithm'] {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048) return 'RS256';
  throw new SigningKeyError(
    `${label} "${path}" is neither an EC P-256 key nor an RSA key of at least 2048 bits`,
  );
}

async function statOrFail(path: string, label: string) {
  try {
    return await stat(path);
  } catch (error) {
    throw new SigningKeyError(`${label} "${path}" cannot be read (${errorCode(error)})`, {
      cause: error,
    });
  }
}

function parse<T>(label: string, path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof SigningKeyError) throw error;
    throw new SigningKeyError(`${label} "${path}" is not valid PEM (${errorCode(error)})`, {
      cause: error,
    });
  }
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) return String(error.code);
  return error instanceof Error ? error.message : String(error);
}
