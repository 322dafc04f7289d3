import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';

/** What both listeners present to TLS clients: PEM bytes, as gRPC and Fastify take them. */
export interface TlsIdentity {
  readonly key: Buffer;
  /** The certificate chain, leaf first. */
  readonly certificateChain: Buffer;
}

/** A TLS file cannot be used; the message names the variable, the file and what to do. */
export class TlsFileError extends Error {
  override readonly name = 'TlsFileError';
}

/**
 * Loads TLS_CERT_FILE and TLS_KEY_FILE and checks them before anything listens: the key is
 * private to the service's user, parses, and is the one the leaf certificate certifies.
 */
export async function loadTlsIdentity(files: {
  readonly certificatePath: string;
  readonly keyPath: string;
}): Promise<TlsIdentity> {
  const { certificatePath, keyPath } = files;

  // Whoever reads the key can impersonate the service to every client.
  await checkPrivate(keyPath);
  const key = await readOrFail(keyPath, 'TLS_KEY_FILE');
  const privateKey = parse('TLS_KEY_FILE', keyPath, () => createPrivateKey(key));

  const certificateChain = await readOrFail(certificatePath, 'TLS_CERT_FILE');
  const pem = certificateChain.toString('utf8');
  const leafPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (leafPem === undefined) {
    throw new TlsFileError(`TLS_CERT_FILE "${certificatePath}" holds no PEM certificate`);
  }
  const leaf = parse('TLS_CERT_FILE', certificatePath, () => new X509Certificate(leafPem));

  if (!leaf.checkPrivateKey(privateKey)) {
    throw new TlsFileError(
      `TLS_CERT_FILE "${certificatePath}" certifies another key than TLS_KEY_FILE "${keyPath}"`,
    );
  }

  // What the listeners will do with them, now, so that a start never fails half-way.
  try {
    createSecureContext({ key, cert: certificateChain });
  } catch (error) {
    throw new TlsFileError(
      `TLS_CERT_FILE "${certificatePath}" cannot serve TLS with TLS_KEY_FILE "${keyPath}" ` +
        `(${reasonOf(error)})`,
      { cause: error },
    );
  }
  return { key, certificateChain };
}

async function checkPrivate(path: string): Promise<void> {
  const mode = (await statOrFail(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new TlsFileError(
      `TLS_KEY_FILE "${path}" is accessible by group or others ` +
        `(mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 on it`,
    );
  }
}

async function statOrFail(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    throw new TlsFileError(`TLS_KEY_FILE "${path}" cannot be read (${reasonOf(error)})`, {
      cause: error,
    });
  }
}

async function readOrFail(path: string, label: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new TlsFileError(`${label} "${path}" cannot be read (${reasonOf(error)})`, {
      cause: error,
    });
  }
}

function parse<T>(label: string, path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new TlsFileError(`${label} "${path}" is not valid PEM (${reasonOf(error)})`, {
      cause: error,
    });
  }
}

function reasonOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) return String(error.code);
  return error instanceof Error ? error.message : String(error);
}
