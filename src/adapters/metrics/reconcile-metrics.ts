import { Counter, type Registry } from 'prom-client';

import type { ReconcileSummary } from '../../domain/use-cases/reconcile-catalog/reconcile-catalog.use-case.js';

/** How a reconciliation ended: every repository read, some left as they were, or none. */
export type ReconcileOutcome = 'complete' | 'partial' | 'failed';

const DIFFERENCES = ['added', 'updated', 'removed', 'unchanged'] as const;

/** Counts the service's scheduled reconciliations and the tag differences they settled. */
export class ReconcileMetrics {
  private readonly runs: Counter<'outcome'>;
  private readonly tags: Counter<'difference'>;

  constructor(registry: Registry) {
    this.runs = new Counter({
      name: 'images_service_reconcile_runs_total',
      help: 'Reconciliations of the catalog with the registry, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.tags = new Counter({
      name: 'images_service_reconcile_tags_total',
      help: 'Tags reconciliation found added, updated, removed or unchanged, summed over runs',
      labelNames: ['difference'],
      registers: [registry],
    });
    // Every series exists from the start, so that rate() and alerts see zeros, not gaps.
    for (const outcome of ['complete', 'partial', 'failed']) this.runs.inc({ outcome }, 0);
    for (const difference of DIFFERENCES) this.tags.inc({ difference }, 0);
  }

  /** A run that read the registry; repositories it could not read make it partial. */
  recordRun(summary: ReconcileSummary): void {
    this.runs.inc({ outcome: summary.failed.length > 0 ? 'partial' : 'complete' });
    for (const difference of DIFFERENCES) this.tags.inc({ difference }, summary[difference]);
  }

  /** A run that changed nothing because the registry's repository list could not be read. */
  recordFailure(): void {
    this.runs.inc({ outcome: 'failed' });
  }
}
