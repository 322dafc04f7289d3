import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { buildOciImage } from '../tests/support/oci-image.js';

/**
 * Fills a registry's filesystem storage with `repositories` repositories, each with one tag
 * `latest` on the same small OCI image, by writing the files distribution's filesystem driver
 * reads (its documented on-disk layout: content-addressed blobs, and per repository the links
 * of its manifest revision, its tag and its layers). Pushing 10,000 images takes hours here;
 * writing them takes seconds, and the registry then serves them as if they had been pushed.
 * Returns the manifest's digest, which every tag points at.
 */
export async function writeRegistryStorage(
  rootDirectory: string,
  names: readonly string[],
): Promise<string> {
  const image = await buildOciImage({ content: 'reconcile benchmark' });
  const base = join(rootDirectory, 'docker', 'registry', 'v2');
  try {
    const blobDirectory = join(image.layoutPath, 'blobs', 'sha256');
    const blobs = await readdir(blobDirectory);
    for (const hex of blobs) {
      const target = join(base, 'blobs', 'sha256', hex.slice(0, 2), hex);
      await mkdir(target, { recursive: true });
      await writeFile(join(target, 'data'), await readFile(join(blobDirectory, hex)));
    }

    const manifestHex = image.digest.slice('sha256:'.length);
    const layers = blobs.filter((hex) => hex !== manifestHex);
    const link = (hex: string) => `sha256:${hex}`;

    // Parallel within bounds: the file system, not the loop, should set the pace.
    const BATCH = 200;
    for (let first = 0; first < names.length; first += BATCH) {
      await Promise.all(
        names.slice(first, first + BATCH).map(async (name) => {
          const repository = join(base, 'repositories', name);
          const files: [string, string][] = [
            [
              join(repository, '_manifests', 'revisions', 'sha256', manifestHex, 'link'),
              link(manifestHex),
            ],
            [
              join(repository, '_manifests', 'tags', 'latest', 'current', 'link'),
              link(manifestHex),
            ],
            [
              join(
                repository,
                '_manifests',
                'tags',
                'latest',
                'index',
                'sha256',
                manifestHex,
                'link',
              ),
              link(manifestHex),
            ],
            ...layers.map((hex): [string, string] => [
              join(repository, '_layers', 'sha256', hex, 'link'),
              link(hex),
            ]),
          ];
          for (const [path, content] of files) {
            await mkdir(join(path, '..'), { recursive: true });
            await writeFile(path, content);
          }
        }),
      );
    }
    return image.digest;
  } finally {
    await image.dispose();
  }
}
