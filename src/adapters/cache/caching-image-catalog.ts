import type { ImageRepository } from '../../domain/catalog/image-repository.js';
import type {
  ImageCatalog,
  ManifestPush,
  TagPull,
  TagPush,
  TagPushOutcome,
} from '../../domain/ports/image-catalog.port.js';
import { ReadThroughCache, type ReadThroughCacheOptions } from './read-through-cache.js';

type Lookup = ImageRepository | undefined | ImageRepository[];

/** Counts what the cache answered, for `/metrics`. */
export interface CatalogCacheMetrics {
  hit(read: 'find' | 'list'): void;
  miss(read: 'find' | 'list'): void;
}

const EVERYONE = '';

/**
 * Serves Find and List from memory for a short time (CATALOG_CACHE_TTL), in front of the
 * stored catalog: FogCore's gateway, web app and scheduler ask the same few names over and
 * over, and each answer otherwise costs a database round trip.
 *
 * Every write made through this catalog drops what it may change before it resolves or
 * rejects: the repository's Find, its owner's List and everyone's List. Changes made by other
 * replicas, or by `images-service reconcile`, arrive through `forget` (the image event log
 * follower calls it) or when the entries expire. Pages of List are never cached: a walk reads
 * each page once. The writes themselves, and their ordering rules, are the inner catalog's.
 */
export class CachingImageCatalog implements ImageCatalog {
  private readonly cache: ReadThroughCache<Lookup>;

  constructor(
    private readonly inner: ImageCatalog,
    options: ReadThroughCacheOptions,
    private readonly metrics?: CatalogCacheMetrics,
  ) {
    this.cache = new ReadThroughCache(options);
  }

  list(owner?: string): Promise<ImageRepository[]> {
    const key = `list:${owner ?? EVERYONE}`;
    return this.read('list', key, () => this.inner.list(owner)) as Promise<ImageRepository[]>;
  }

  listPage(query: {
    readonly owner?: string;
    readonly after?: string;
    readonly limit: number;
  }): Promise<ImageRepository[]> {
    return this.inner.listPage(query);
  }

  find(name: string): Promise<ImageRepository | undefined> {
    return this.read('find', `find:${name}`, () => this.inner.find(name)) as Promise<
      ImageRepository | undefined
    >;
  }

  recordTagPush(push: TagPush): Promise<TagPushOutcome> {
    return this.writing(push.repository, () => this.inner.recordTagPush(push));
  }

  async recordTagPushes(pushes: readonly TagPush[]): Promise<string[]> {
    const first = pushes[0];
    if (first === undefined) return this.inner.recordTagPushes(pushes);
    return this.writing(first.repository, () => this.inner.recordTagPushes(pushes));
  }

  recordManifestPush(push: ManifestPush): Promise<boolean> {
    return this.writing(push.repository, () => this.inner.recordManifestPush(push));
  }

  recordPull(pull: TagPull): Promise<boolean> {
    return this.writing(pull.repository, () => this.inner.recordPull(pull));
  }

  removeTag(name: string, tag: string, at: Date): Promise<boolean> {
    return this.writing(name, () => this.inner.removeTag(name, tag, at));
  }

  removeDigest(name: string, digest: string, at: Date): Promise<boolean> {
    return this.writing(name, () => this.inner.removeDigest(name, digest, at));
  }

  remove(name: string, at: Date): Promise<boolean> {
    return this.writing(name, () => this.inner.remove(name, at));
  }

  async pruneDeletions(before: Date): Promise<number> {
    // Pruning drops only documents readers never see, but which ones is the store's to know.
    try {
      return await this.inner.pruneDeletions(before);
    } finally {
      this.cache.clear();
    }
  }

  /** Drops what a change of `repository` made elsewhere may have made out of date. */
  forget(repository: string): void {
    const owner = repository.split('/', 1)[0] ?? repository;
    this.cache.invalidate(`find:${repository}`);
    this.cache.invalidate(`list:${owner}`);
    this.cache.invalidate(`list:${EVERYONE}`);
  }

  /** Drops everything, as when changes made elsewhere may have gone unheard. */
  forgetAll(): void {
    this.cache.clear();
  }

  private async read(
    kind: 'find' | 'list',
    key: string,
    load: () => Promise<Lookup>,
  ): Promise<Lookup> {
    let loaded = false;
    const value = await this.cache.get(key, () => {
      loaded = true;
      return load();
    });
    if (loaded) this.metrics?.miss(kind);
    else this.metrics?.hit(kind);
    return value;
  }

  // Dropped after the write too, so that a read made while it ran cannot outlive it.
  private async writing<T>(repository: string, write: () => Promise<T>): Promise<T> {
    this.forget(repository);
    try {
      return await write();
    } finally {
      this.forget(repository);
    }
  }
}
