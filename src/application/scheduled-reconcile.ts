import type { Logger } from 'pino';

import type { ReconcileMetrics } from '../adapters/metrics/reconcile-metrics.js';
import type { ReconcileCatalog } from '../domain/use-cases/reconcile-catalog/reconcile-catalog.use-case.js';

/**
 * One reconciliation run by the service itself (RECONCILE_INTERVAL): changes the catalog, logs
 * the summary and counts it. A run that throws is counted as failed before the job logs it.
 */
export async function runScheduledReconcile(
  reconcile: ReconcileCatalog,
  metrics: ReconcileMetrics,
  logger: Logger,
  stopping?: AbortSignal,
): Promise<void> {
  let result;
  try {
    result = await reconcile.execute({ dryRun: false, signal: stopping });
  } catch (error) {
    metrics.recordFailure();
    throw error;
  }

  if (!result.ok) {
    metrics.recordFailure();
    logger.error({ code: result.error.code }, result.error.message);
    return;
  }
  metrics.recordRun(result.value);
  logger.info({ ...result.value }, 'catalog reconciled');
}
