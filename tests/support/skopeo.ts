import { execFile, type ExecFileException } from 'node:child_process';
import { createHash } from 'node:crypto';

import { buildOciImage } from './oci-image.js';
import { toolPath } from './processes.js';

/** A registry account, for registries that require token auth. */
export interface SkopeoCredentials {
  readonly username: string;
  readonly password: string;
}

export interface SkopeoOptions {
  /** Sent with `--creds`; without them skopeo goes anonymously, ignoring any auth file. */
  readonly creds?: SkopeoCredentials;
}

/** What can be pushed: an OCI layout directory and the tag it holds (see oci-image.ts). */
export interface OciLayoutSource {
  readonly layoutPath: string;
  readonly tag: string;
}

/**
 * skopeo failed; the message carries its arguments (password hidden), how it ended and its
 * stderr. The underlying error is not kept: its message would repeat the password.
 */
export class SkopeoError extends Error {
  override readonly name = 'SkopeoError';

  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    readonly ending: string,
  ) {
    super(`skopeo ${args.join(' ')} failed (${ending}): ${stderr.trim() || 'no output'}`);
  }
}

// How long one skopeo command may take before the test gives up on it.
const COMMAND_TIMEOUT = '60s';

/**
 * Pushes the layout's image to `destination`, such as `127.0.0.1:5000/alice/app:v1`, over plain
 * HTTP. Every image of an index goes too, and digests are kept, so the registry serves exactly
 * the manifests the layout holds.
 */
export async function skopeoPush(
  source: OciLayoutSource,
  destination: string,
  options: SkopeoOptions = {},
): Promise<void> {
  await runSkopeo([
    '--insecure-policy',
    'copy',
    '--all',
    '--preserve-digests',
    '--dest-tls-verify=false',
    ...credentials(options, '--dest-creds', '--dest-no-creds'),
    `oci:${source.layoutPath}:${source.tag}`,
    `docker://${destination}`,
  ]);
}

/** What a registry holds after `pushTestImage`: the tag's manifest (or index) and its parts. */
export interface PushedImage {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  /** The per-platform manifests under the index; empty for a single image. */
  readonly platformDigests: readonly string[];
}

/**
 * Builds an image whose file holds `content` (same content, same digest), pushes it to
 * `destination` such as `127.0.0.1:5000/alice/app:v1`, and removes the layout.
 */
export async function pushTestImage(
  destination: string,
  image: { readonly content: string; readonly multiArch?: boolean },
  options: SkopeoOptions = {},
): Promise<PushedImage> {
  const built = await buildOciImage(image);
  try {
    await skopeoPush(built, destination, options);
  } finally {
    await built.dispose();
  }

  const { digest, mediaType, size, platformDigests } = built;
  return { digest, mediaType, size, platformDigests };
}

/**
 * The digest of the manifest that `reference` (such as `127.0.0.1:5000/alice/app:v1`) points at,
 * or undefined when the registry does not have it.
 */
export async function skopeoInspect(
  reference: string,
  options: SkopeoOptions = {},
): Promise<string | undefined> {
  let manifest: Buffer;
  try {
    manifest = await runSkopeo([
      'inspect',
      '--raw',
      '--tls-verify=false',
      ...credentials(options, '--creds', '--no-creds'),
      `docker://${reference}`,
    ]);
  } catch (error) {
    if (error instanceof SkopeoError && /manifest unknown|name unknown/i.test(error.stderr)) {
      return undefined;
    }
    throw error;
  }

  // `--raw` prints the manifest byte for byte, so its hash is the registry's digest.
  return `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
}

/** Deletes the manifest that `reference` points at, as `skopeo delete` does: by its digest. */
export async function skopeoDelete(reference: string, options: SkopeoOptions = {}): Promise<void> {
  await runSkopeo([
    'delete',
    '--tls-verify=false',
    ...credentials(options, '--creds', '--no-creds'),
    `docker://${reference}`,
  ]);
}

function credentials(options: SkopeoOptions, withFlag: string, withoutFlag: string): string[] {
  const creds = options.creds;
  return creds === undefined ? [withoutFlag] : [withFlag, `${creds.username}:${creds.password}`];
}

function runSkopeo(args: readonly string[]): Promise<Buffer> {
  const command = toolPath('SKOPEO_BIN', 'skopeo');
  const fullArgs = ['--command-timeout', COMMAND_TIMEOUT, ...args];

  return new Promise((resolve, reject) => {
    execFile(
      command,
      fullArgs,
      { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) return resolve(stdout);
        reject(new SkopeoError(hidePasswords(fullArgs), stderr.toString('utf8'), ending(error)));
      },
    );
  });
}

// The argument after a credentials flag is `user:password`: keep the user, hide the rest.
function hidePasswords(args: readonly string[]): string[] {
  return args.map((arg, index) =>
    /^--(dest-|src-)?creds$/.test(args[index - 1] ?? '') ? arg.replace(/:.*$/, ':***') : arg,
  );
}

function ending(error: ExecFileException): string {
  if (error.signal !== undefined && error.signal !== null) return `killed by ${error.signal}`;
  return typeof error.code === 'number'
    ? `exit code ${error.code}`
    : `could not run: ${error.code}`;
}
