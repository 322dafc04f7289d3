export interface ReadThroughCacheOptions {
  /** How long a value read is served from memory; 0 disables the cache. */
  readonly ttlMs: number;
  /** A bound on memory: beyond it the least recently stored entries go first. */
  readonly maxEntries: number;
  /** Milliseconds on a monotonic clock; `performance.now` unless a test drives time. */
  readonly now?: () => number;
}

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

/** A read under way. `stale` is set when its key is invalidated before the read answers. */
interface PendingRead<V> {
  readonly promise: Promise<V>;
  stale: boolean;
}

/**
 * Values read from a slower store, kept for a short time, with concurrent reads of one key
 * sharing a single load.
 *
 * Invalidation is exact for the writes this process makes: `invalidate` drops the entry and
 * marks a load under way as stale, so that a load begun before a write never stores what it
 * read after the write's invalidation (it still answers its own callers, who asked before the
 * write finished). Changes made elsewhere are seen once the entry expires, or when whoever
 * hears of them calls `invalidate`.
 */
export class ReadThroughCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly pending = new Map<string, PendingRead<V>>();
  private readonly now: () => number;

  constructor(private readonly options: ReadThroughCacheOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** The value of `key`: from memory while fresh, else from `load`, shared by concurrent calls. */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    if (this.options.ttlMs <= 0) return load();

    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expiresAt > this.now()) return entry.value;

    const under = this.pending.get(key);
    if (under !== undefined) return under.promise;

    const read: PendingRead<V> = { promise: load(), stale: false };
    this.pending.set(key, read);
    try {
      const value = await read.promise;
      if (!read.stale) this.store(key, value);
      return value;
    } finally {
      if (this.pending.get(key) === read) this.pending.delete(key);
    }
  }

  /** Forgets `key`, and keeps a load of it under way from storing what it read. */
  invalidate(key: string): void {
    this.entries.delete(key);
    const under = this.pending.get(key);
    if (under === undefined) return;
    under.stale = true;
    this.pending.delete(key);
  }

  /** Forgets everything, as when the source of invalidations was lost for a while. */
  clear(): void {
    this.entries.clear();
    for (const under of this.pending.values()) under.stale = true;
    this.pending.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private store(key: string, value: V): void {
    // Maps keep insertion order: re-inserting moves the key last, so the first is the oldest.
    this.entries.delete(key);
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.now() + this.options.ttlMs });
  }
}
