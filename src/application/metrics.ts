import type { Container } from 'inversify';
import type { Connection } from 'mongoose';
import type { Registry } from 'prom-client';

import { createMetricsRegistry } from '../adapters/metrics/metrics-registry.js';
import { MongoCommandMetrics } from '../adapters/mongo/mongo-command-metrics.js';
import { TOKENS } from './tokens.js';

/**
 * Binds the registry `/metrics` serves, one per service so that several services can share a
 * process (as tests do), and starts timing the catalog's database commands.
 */
export function bindMetrics(container: Container, connection: Connection): void {
  const registry = createMetricsRegistry();
  container.bind<Registry>(TOKENS.MetricsRegistry).toConstantValue(registry);

  new MongoCommandMetrics(registry).observe(connection.getClient());
}
