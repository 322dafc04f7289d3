import { RegistryUnavailableError } from '../../../src/domain/ports/registry-client.port.js';
import type {
  ManifestDescription,
  RegistryReader,
} from '../../../src/domain/ports/registry-reader.port.js';

/** A RegistryReader over a map of repositories to tags to manifests, failing where told. */
export class ScriptedRegistryReader implements RegistryReader {
  readonly repositoriesHeld = new Map<string, Map<string, ManifestDescription>>();

  /** Makes `repositories()` reject, as a registry that cannot list its catalog would. */
  catalogFailure = false;
  /** Repositories whose tags cannot be read. */
  readonly failingRepositories = new Set<string>();
  /** Runs before each tag is described, so a test can change the catalog meanwhile. */
  beforeDescribe: ((repository: string, tag: string) => Promise<void>) | undefined;

  hold(repository: string, tag: string, manifest: ManifestDescription): this {
    const tags = this.repositoriesHeld.get(repository) ?? new Map<string, ManifestDescription>();
    tags.set(tag, manifest);
    this.repositoriesHeld.set(repository, tags);
    return this;
  }

  async repositories(): Promise<string[]> {
    if (this.catalogFailure)
      throw new RegistryUnavailableError('registry answered 500 to GET /v2/_catalog');
    return [...this.repositoriesHeld.keys()].sort();
  }

  async tags(repository: string): Promise<string[]> {
    if (this.failingRepositories.has(repository)) {
      throw new RegistryUnavailableError(
        `registry answered 500 to GET /v2/${repository}/tags/list`,
      );
    }
    return [...(this.repositoriesHeld.get(repository)?.keys() ?? [])];
  }

  async describeManifest(
    repository: string,
    reference: string,
  ): Promise<ManifestDescription | undefined> {
    await this.beforeDescribe?.(repository, reference);
    return this.repositoriesHeld.get(repository)?.get(reference);
  }
}
