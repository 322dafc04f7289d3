import type { ImageRepository, TagRecord } from '../../../src/domain/catalog/image-repository.js';
import type { ImageCatalog, TagPush } from '../../../src/domain/ports/image-catalog.port.js';

/** The ImageCatalog contract in memory, for use-case tests; the real one runs on MongoDB. */
export class InMemoryImageCatalog implements ImageCatalog {
  private readonly repositories = new Map<string, { owner: string; updated: Date; tags: Map<string, TagRecord> }>();

  /** Set to make every call reject, as a storage outage would. */
  failure: Error | undefined;

  async list(owner?: string): Promise<ImageRepository[]> {
    this.failIfAsked();
    return [...this.repositories.keys()]
      .sort()
      .map((name) => this.snapshot(name))
      .filter((repository): repository is ImageRepository => repository !== undefined)
      .filter((repository) => owner === undefined || repository.owner === owner);
  }

  async find(name: string): Promise<ImageRepository | undefined> {
    this.failIfAsked();
    return this.snapshot(name);
  }

  async recordTagPush(push: TagPush): Promise<boolean> {
    this.failIfAsked();
    const repository = this.repositories.get(push.repository) ?? {
      owner: push.owner,
      updated: push.pushedAt,
      tags: new Map<string, TagRecord>(),
    };
    const stored = repository.tags.get(push.tag);
    if (stored !== undefined && stored.pushedAt >= push.pushedAt) return false;

    repository.tags.set(push.tag, {
      name: push.tag,
      digest: push.digest,
      mediaType: push.mediaType,
      size: push.size,
      pushedAt: push.pushedAt,
      pulls: stored?.pulls ?? 0,
    });
    if (push.pushedAt > repository.updated) repository.updated = push.pushedAt;
    this.repositories.set(push.repository, repository);
    return true;
  }

  async remove(name: string): Promise<boolean> {
    this.failIfAsked();
    return this.repositories.delete(name);
  }

  async removeTag(name: string, tag: string, at: Date): Promise<boolean> {
    this.failIfAsked();
    const repository = this.repositories.get(name);
    if (repository === undefined || !repository.tags.delete(tag)) return false;
    if (at > repository.updated) repository.updated = at;
    if (repository.tags.size === 0) this.repositories.delete(name);
    return true;
  }

  private snapshot(name: string): ImageRepository | undefined {
    const repository = this.repositories.get(name);
    if (repository === undefined || repository.tags.size === 0) return undefined;
    const tags = [...repository.tags.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    return { name, owner: repository.owner, updated: repository.updated, tags };
  }

  private failIfAsked(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
