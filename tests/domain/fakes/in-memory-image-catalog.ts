import type { ImageRepository, TagRecord } from '../../../src/domain/catalog/image-repository.js';
import type {
  ImageCatalog,
  ManifestPush,
  TagPull,
  TagPush,
  TagPushOutcome,
} from '../../../src/domain/ports/image-catalog.port.js';

interface StoredRepository {
  owner?: string;
  updated?: Date;
  tags: Map<string, TagRecord>;
  manifests: Map<string, ManifestPush>;
  deletedTags: Map<string, Date>;
  deletedDigests: Map<string, Date>;
  deletedAt?: Date;
}

/**
 * The ImageCatalog contract in memory, for use-case tests; the real one runs on MongoDB. Both
 * pass tests/support/image-catalog-contract.ts.
 */
export class InMemoryImageCatalog implements ImageCatalog {
  private readonly repositories = new Map<string, StoredRepository>();

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

  async listPage(query: {
    readonly owner?: string;
    readonly after?: string;
    readonly limit: number;
  }): Promise<ImageRepository[]> {
    const after = query.after;
    const all = await this.list(query.owner);
    return all.filter((entry) => after === undefined || entry.name > after).slice(0, query.limit);
  }

  async find(name: string): Promise<ImageRepository | undefined> {
    this.failIfAsked();
    return this.snapshot(name);
  }

  async recordTagPush(push: TagPush): Promise<TagPushOutcome> {
    this.failIfAsked();
    const repository = this.entry(push.repository);
    const stored = repository.tags.get(push.tag);
    const found =
      stored === undefined ? {} : { found: { digest: stored.digest, pushedAt: stored.pushedAt } };
    const unchanged = { applied: false, ...found };
    if (stored !== undefined && stored.pushedAt >= push.pushedAt) return unchanged;
    if (notBefore(repository.deletedTags.get(push.tag), push.pushedAt)) return unchanged;
    if (this.deletedSince(repository, push.digest, push.pushedAt)) return unchanged;

    repository.tags.set(push.tag, {
      name: push.tag,
      digest: push.digest,
      mediaType: push.mediaType,
      size: push.size,
      pushedAt: push.pushedAt,
      pulls: stored?.pulls ?? 0,
      ...(stored?.lastPulledAt === undefined ? {} : { lastPulledAt: stored.lastPulledAt }),
    });
    repository.deletedTags.delete(push.tag);
    repository.owner = push.owner;
    repository.updated = later(repository.updated, push.pushedAt);
    return { applied: true, ...found };
  }

  async recordTagPushes(pushes: readonly TagPush[]): Promise<string[]> {
    const applied: string[] = [];
    for (const push of pushes) if ((await this.recordTagPush(push)).applied) applied.push(push.tag);
    return applied;
  }

  async recordManifestPush(push: ManifestPush): Promise<boolean> {
    this.failIfAsked();
    const repository = this.entry(push.repository);
    const stored = repository.manifests.get(push.digest);
    if (stored !== undefined && stored.pushedAt >= push.pushedAt) return false;
    if (this.deletedSince(repository, push.digest, push.pushedAt)) return false;

    repository.manifests.set(push.digest, push);
    repository.owner = push.owner;
    return true;
  }

  async recordPull(pull: TagPull): Promise<boolean> {
    this.failIfAsked();
    const tag = this.repositories.get(pull.repository)?.tags.get(pull.tag);
    if (tag === undefined) return false;

    this.repositories.get(pull.repository)?.tags.set(pull.tag, {
      ...tag,
      pulls: tag.pulls + 1,
      lastPulledAt: later(tag.lastPulledAt, pull.pulledAt),
    });
    return true;
  }

  async removeTag(name: string, tag: string, at: Date): Promise<boolean> {
    this.failIfAsked();
    const repository = this.entry(name);
    const stored = repository.tags.get(tag);
    if (stored !== undefined && stored.pushedAt > at) return false;

    repository.deletedTags.set(tag, later(repository.deletedTags.get(tag), at));
    if (stored === undefined) return false;
    repository.tags.delete(tag);
    repository.updated = later(repository.updated, at);
    return true;
  }

  async removeDigest(name: string, digest: string, at: Date): Promise<boolean> {
    this.failIfAsked();
    const repository = this.entry(name);
    repository.deletedDigests.set(digest, later(repository.deletedDigests.get(digest), at));

    const manifest = repository.manifests.get(digest);
    if (manifest !== undefined && manifest.pushedAt <= at) repository.manifests.delete(digest);

    let removed = false;
    for (const tag of [...repository.tags.values()]) {
      if (tag.digest !== digest || tag.pushedAt > at) continue;
      repository.tags.delete(tag.name);
      repository.deletedTags.set(
        tag.name,
        later(repository.deletedTags.get(tag.name), tag.pushedAt),
      );
      repository.updated = later(repository.updated, at);
      removed = true;
    }
    return removed;
  }

  async remove(name: string, at: Date): Promise<boolean> {
    this.failIfAsked();
    const repository = this.entry(name);
    repository.deletedAt = later(repository.deletedAt, at);

    for (const [digest, manifest] of repository.manifests) {
      if (manifest.pushedAt <= at) repository.manifests.delete(digest);
    }
    let removed = false;
    for (const tag of [...repository.tags.values()]) {
      if (tag.pushedAt > at) continue;
      repository.tags.delete(tag.name);
      repository.updated = later(repository.updated, at);
      removed = true;
    }
    return removed;
  }

  async pruneDeletions(before: Date): Promise<number> {
    this.failIfAsked();
    let touched = 0;

    for (const [name, repository] of this.repositories) {
      const old = (deletions: Map<string, Date>) =>
        [...deletions].filter(([, at]) => at < before).map(([key]) => key);
      const oldTags = old(repository.deletedTags);
      const oldDigests = old(repository.deletedDigests);
      const oldRepository = repository.deletedAt !== undefined && repository.deletedAt < before;
      oldTags.forEach((tag) => repository.deletedTags.delete(tag));
      oldDigests.forEach((digest) => repository.deletedDigests.delete(digest));
      if (oldRepository) delete repository.deletedAt;

      const empty =
        repository.tags.size + repository.manifests.size === 0 &&
        repository.deletedTags.size + repository.deletedDigests.size === 0 &&
        repository.deletedAt === undefined;
      if (empty) this.repositories.delete(name);
      if (empty || oldTags.length + oldDigests.length > 0 || oldRepository) touched += 1;
    }

    return touched;
  }

  private deletedSince(repository: StoredRepository, digest: string, at: Date): boolean {
    return (
      notBefore(repository.deletedDigests.get(digest), at) || notBefore(repository.deletedAt, at)
    );
  }

  private entry(name: string): StoredRepository {
    const existing = this.repositories.get(name);
    if (existing !== undefined) return existing;

    const created: StoredRepository = {
      tags: new Map(),
      manifests: new Map(),
      deletedTags: new Map(),
      deletedDigests: new Map(),
    };
    this.repositories.set(name, created);
    return created;
  }

  private snapshot(name: string): ImageRepository | undefined {
    const repository = this.repositories.get(name);
    if (repository === undefined || repository.tags.size === 0) return undefined;
    const tags = [...repository.tags.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    const { owner, updated } = repository as Required<StoredRepository>;
    return { name, owner, updated, tags };
  }

  private failIfAsked(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

function later(stored: Date | undefined, at: Date): Date {
  return stored === undefined || at > stored ? at : stored;
}

// A deletion at or after `at` wins over a push at `at`.
function notBefore(deletedAt: Date | undefined, at: Date): boolean {
  return deletedAt !== undefined && deletedAt >= at;
}
