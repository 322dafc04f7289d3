import type { TagPush } from '../../src/domain/ports/image-catalog.port.js';

/** A push with realistic defaults: only the repository and tag matter to most tests. */
export function tagPush(
  repository: string,
  tag: string,
  overrides: Partial<TagPush> = {},
): TagPush {
  return {
    repository,
    owner: repository.split('/')[0] as string,
    tag,
    digest: `sha256:${'a'.repeat(64)}`,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 428,
    pushedAt: new Date('2026-01-02T03:04:05Z'),
    ...overrides,
  };
}
