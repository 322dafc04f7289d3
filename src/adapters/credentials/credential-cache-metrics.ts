import { Counter, type Registry } from 'prom-client';

/** Counts how often a login was answered from the credential cache, and how often not. */
export class CredentialCacheMetrics {
  private readonly lookups: Counter<'result'>;

  constructor(registry: Registry) {
    this.lookups = new Counter({
      name: 'images_service_credential_cache_lookups_total',
      help: 'Password checks answered from the credential cache (hit) or the directory (miss)',
      labelNames: ['result'],
      registers: [registry],
    });
  }

  hit(): void {
    this.lookups.inc({ result: 'hit' });
  }

  miss(): void {
    this.lookups.inc({ result: 'miss' });
  }
}
