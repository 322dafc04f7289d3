import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildHttpApp, startHttpServer } from '../../src/adapters/http/http-server.js';
import { metricsRoutes } from '../../src/adapters/http/metrics-routes.js';
import { ReconcileMetrics } from '../../src/adapters/metrics/reconcile-metrics.js';
import type { ReconcileCatalog } from '../../src/domain/use-cases/reconcile-catalog/reconcile-catalog.use-case.js';
import { loadServiceConfig } from '../../src/application/config/service-config.js';
import { createContainer } from '../../src/application/container.js';
import { openDatabase, type Database } from '../../src/application/database.js';
import { createLogger } from '../../src/application/logger.js';
import { runScheduledReconcile } from '../../src/application/scheduled-reconcile.js';
import {
  openTokenServerResources,
  type TokenServerResources,
} from '../../src/application/token-server.js';
import { TOKENS } from '../../src/application/tokens.js';
import { seedCatalog, tagPush } from '../support/catalog-seed.js';
import { LogCapture } from '../support/log-capture.js';
import { MetricsScrape } from '../support/metrics-scrape.js';
import { isolatedDatabaseUri } from '../support/mongodb.js';
import { freePort } from '../support/processes.js';
import { RegistryServer } from '../support/registry.js';
import { pushTestImage } from '../support/skopeo.js';

/**
 * The reconciliation RECONCILE_INTERVAL schedules, wired as the service wires it, against a
 * real registry 3 and FerretDB; its runs and differences read back from GET /metrics.
 */
describe('scheduled reconciliation metrics', () => {
  const logs = new LogCapture();
  const logger = createLogger('info', logs.stream);
  const opened: { database: Database; tokenServer: TokenServerResources }[] = [];
  let registry: RegistryServer;
  let dataDir: string;
  let mongodbUri: string;

  // The service's own wiring for a registry at `registryUrl`, sharing one catalog database.
  const wire = async (registryUrl: string) => {
    const config = loadServiceConfig({
      MONGODB_URI: mongodbUri,
      REGISTRY_URL: registryUrl,
      REGISTRY_TIMEOUT_MS: '2000',
      DATA_DIR: dataDir,
    });
    const tokenServer = await openTokenServerResources(config, logger);
    const database = await openDatabase(config, logger);
    opened.push({ database, tokenServer });
    return createContainer(config, logger, database.connection, tokenServer);
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'scheduled-reconcile-'));
    mongodbUri = isolatedDatabaseUri('scheduled_reconcile');
    registry = await RegistryServer.start({ version: '3' });
    await pushTestImage(`${registry.host}/alice/app:v1`, { content: 'reconcile metrics one' });
    await pushTestImage(`${registry.host}/alice/app:v2`, { content: 'reconcile metrics two' });
    await seedCatalog(mongodbUri, [tagPush('bob/gone', 'latest')]);
  });

  afterAll(async () => {
    for (const { database, tokenServer } of opened) {
      await database.close();
      await tokenServer.close();
    }
    await registry?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('counts complete and failed runs and the tags each settled, as /metrics shows them', async () => {
    const container = await wire(registry.url);
    const metricsRegistry = container.get<Registry>(TOKENS.MetricsRegistry);
    const metrics = new ReconcileMetrics(metricsRegistry);
    const reconcile = container.get<ReconcileCatalog>(TOKENS.ReconcileCatalog);
    const unreachable = (await wire(`http://127.0.0.1:${await freePort()}`)).get<ReconcileCatalog>(
      TOKENS.ReconcileCatalog,
    );

    // Two tags to add and one to remove; then nothing left to change; then no registry at all.
    await runScheduledReconcile(reconcile, metrics, logger);
    await runScheduledReconcile(reconcile, metrics, logger);
    await runScheduledReconcile(unreachable, metrics, logger);

    const app = buildHttpApp(logger);
    await app.register(metricsRoutes, { registry: metricsRegistry });
    const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
    try {
      const scrape = await MetricsScrape.from(`http://127.0.0.1:${server.port}`);
      const runs = (outcome: string) =>
        scrape.value('images_service_reconcile_runs_total', { outcome });
      const tags = (difference: string) =>
        scrape.value('images_service_reconcile_tags_total', { difference });

      expect([runs('complete'), runs('partial'), runs('failed')]).toEqual([2, 0, 1]);
      expect([tags('added'), tags('updated'), tags('removed'), tags('unchanged')]).toEqual([
        2, 0, 1, 2,
      ]);
    } finally {
      await server.close();
    }
    expect(logs.lines.filter((line) => line.msg === 'catalog reconciled')).toHaveLength(2);
    expect(logs.lines.filter((line) => line.level === 50)).toHaveLength(1);
  });
});
