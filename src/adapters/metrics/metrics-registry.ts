import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The registry `/metrics` serves: the service's own metrics, registered by the adapters that
 * count them, beside prom-client's process and Node.js metrics (CPU, memory, event loop, GC).
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
