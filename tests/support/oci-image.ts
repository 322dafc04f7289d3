import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const OCI_MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface OciImageOptions {
  /** Written into the image's only file: different content gives different digests. */
  readonly content: string;
  /** The tag the layout gives the image; `latest` when absent. */
  readonly tag?: string;
  /** Builds an index over a linux/amd64 and a linux/arm64 image instead of a single image. */
  readonly multiArch?: boolean;
}

/** An OCI image layout on disk, ready for `skopeo copy oci:<layoutPath>:<tag>`. */
export interface OciImage {
  readonly layoutPath: string;
  readonly tag: string;
  /** The digest of what the tag points at: the manifest, or the index when multi-arch. */
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  /** The digests of the per-platform manifests under the index; empty for a single image. */
  readonly platformDigests: readonly string[];
  /** Removes the layout directory. */
  dispose(): Promise<void>;
}

interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly architecture: string; readonly os: string };
  readonly annotations?: Record<string, string>;
}

const PLATFORMS = ['amd64', 'arm64'] as const;

/**
 * Builds a small OCI image with Node alone: one gzipped tar layer holding `content`, an image
 * config and a manifest, optionally two of them under an index. Nothing depends on the clock,
 * so the same options always give the same digests.
 */
export async function buildOciImage(options: OciImageOptions): Promise<OciImage> {
  const tag = options.tag ?? 'latest';
  const layoutPath = await mkdtemp(join(tmpdir(), 'oci-image-'));
  const blobs = new OciBlobWriter(layoutPath);
  await mkdir(join(layoutPath, 'blobs', 'sha256'), { recursive: true });

  const architectures = options.multiArch === true ? PLATFORMS : (['amd64'] as const);
  const manifests: Descriptor[] = [];
  for (const architecture of architectures) {
    manifests.push(await writeImage(blobs, architecture, `${options.content}\n`));
  }

  // A single image is tagged itself; a multi-arch one through an index over its platforms.
  const tagged =
    options.multiArch === true
      ? await blobs.writeJson(OCI_MEDIA_TYPES.index, {
          schemaVersion: 2,
          mediaType: OCI_MEDIA_TYPES.index,
          manifests,
        })
      : (manifests[0] as Descriptor);

  await writeFile(join(layoutPath, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(layoutPath, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MEDIA_TYPES.index,
      manifests: [{ ...tagged, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );

  return {
    layoutPath,
    tag,
    digest: tagged.digest,
    mediaType: tagged.mediaType,
    size: tagged.size,
    platformDigests: options.multiArch === true ? manifests.map((entry) => entry.digest) : [],
    dispose: () => rm(layoutPath, { recursive: true, force: true }),
  };
}

/** Writes one platform's layer, config and manifest; returns the manifest's descriptor. */
async function writeImage(
  blobs: OciBlobWriter,
  architecture: string,
  content: string,
): Promise<Descriptor> {
  // The platform goes into the file too, so that each platform's layer differs.
  const tar = tarArchive([{ name: 'hello.txt', content: `${content}${architecture}\n` }]);
  const layer = await blobs.write(OCI_MEDIA_TYPES.layer, gzipSync(tar));

  const config = await blobs.writeJson(OCI_MEDIA_TYPES.config, {
    architecture,
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
  });

  const manifest = await blobs.writeJson(OCI_MEDIA_TYPES.manifest, {
    schemaVersion: 2,
    mediaType: OCI_MEDIA_TYPES.manifest,
    config,
    layers: [layer],
  });
  return { ...manifest, platform: { architecture, os: 'linux' } };
}

/** Stores content-addressed blobs under the layout's `blobs/sha256`. */
class OciBlobWriter {
  constructor(private readonly layoutPath: string) {}

  async write(mediaType: string, bytes: Buffer): Promise<Descriptor> {
    const digest = sha256(bytes);
    await writeFile(
      join(this.layoutPath, 'blobs', 'sha256', digest.slice('sha256:'.length)),
      bytes,
    );
    return { mediaType, digest, size: bytes.length };
  }

  writeJson(mediaType: string, value: unknown): Promise<Descriptor> {
    return this.write(mediaType, Buffer.from(JSON.stringify(value)));
  }
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

const TAR_BLOCK = 512;

/** A ustar archive of regular files, each owned by root with mode 0644 and time 0. */
function tarArchive(files: readonly { name: string; content: string }[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    const body = Buffer.from(file.content, 'utf8');
    parts.push(tarHeader(file.name, body.length), body, Buffer.alloc(padding(body.length)));
  }

  // Two empty blocks end the archive.
  parts.push(Buffer.alloc(2 * TAR_BLOCK));
  return Buffer.concat(parts);
}

function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(TAR_BLOCK);
  const field = (offset: number, length: number, value: string) =>
    header.write(value, offset, length, 'ascii');
  const octal = (offset: number, length: number, value: number) =>
    field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);

  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, 0);
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');

  // The checksum is the byte sum of the header with its own field read as eight spaces.
  field(148, 8, ' '.repeat(8));
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

function padding(size: number): number {
  return (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
}
