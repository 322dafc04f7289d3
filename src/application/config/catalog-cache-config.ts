import type { EnvReader } from './env-reader.js';

/** The cache of Find and List answers in front of the database. */
export interface CatalogCacheConfig {
  /** CATALOG_CACHE_TTL: how long an answer is reused at most; 0 turns the cache off. */
  readonly ttlMs: number;
  /** CATALOG_CACHE_ENTRIES: how many answers are kept at most. */
  readonly maxEntries: number;
}

// Replicas hear of each other's tag changes through the image event log within
// WATCH_POLL_INTERVAL; the TTL bounds only what the log does not carry: pulls counted by another
// replica, manifests pushed by digest alone, and changes made to the database by hand.
const DEFAULT_TTL_MS = 5000;

export function loadCatalogCacheConfig(reader: EnvReader): CatalogCacheConfig {
  return {
    ttlMs: reader.milliseconds('CATALOG_CACHE_TTL', DEFAULT_TTL_MS, { min: 0, max: 60_000 }),
    maxEntries: reader.integer('CATALOG_CACHE_ENTRIES', 10_000, { min: 1, max: 1_000_000 }),
  };
}
