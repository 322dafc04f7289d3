import { Counter, type Registry } from 'prom-client';

import type { CatalogCacheMetrics } from './caching-image-catalog.js';

/** Counts the Find and List reads the catalog cache answered (hit) and those it passed on. */
export class PrometheusCatalogCacheMetrics implements CatalogCacheMetrics {
  private readonly lookups: Counter<'read' | 'result'>;

  constructor(registry: Registry) {
    this.lookups = new Counter({
      name: 'images_service_catalog_cache_lookups_total',
      help: 'Find and List reads answered from the catalog cache (hit) or the database (miss)',
      labelNames: ['read', 'result'],
      registers: [registry],
    });
  }

  hit(read: 'find' | 'list'): void {
    this.lookups.inc({ read, result: 'hit' });
  }

  miss(read: 'find' | 'list'): void {
    this.lookups.inc({ read, result: 'miss' });
  }
}
