/**
 * `npm run bench:events`: how fast registry notifications reach the catalog, and how long a
 * reconciliation of a large registry takes.
 *
 * Events: starts the built service as a child process on a fresh database on MONGODB_URI and
 * posts realistic registry 2.8 envelopes of manifest pushes (one, then ten per request) to
 * `/event` with BENCH_CONCURRENCY requests in flight for BENCH_SECONDS; every push moves a tag,
 * so each event is a real write. The baseline is the very upsert the catalog sends per push,
 * issued straight through the MongoDB driver from this process with the same concurrency, once
 * in each of BENCH_ROUNDS rounds: the database's own speed is the ceiling, so the ratio shows
 * what HTTP, parsing, authentication and the use case cost on top.
 *
 * Reconcile: writes BENCH_RECONCILE_REPOSITORIES repositories into a registry's storage (see
 * registry-storage.ts), starts that registry (BENCH_REGISTRY, 3 or 2.8), and reconciles an empty
 * catalog against it, then again with nothing to change, counting the registry requests.
 *
 * Prints Markdown to stdout (progress to stderr) and drops its databases. Exits 0 even when a
 * target is missed; non-zero only when something failed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { Connection } from 'mongoose';

import { connectMongo } from '../src/adapters/mongo/mongo-connection.js';
import { MongooseImageCatalog } from '../src/adapters/mongo/mongoose-image-catalog.js';
import { MongooseImageEventLog } from '../src/adapters/mongo/mongoose-image-event-log.js';
import { imageEventModel } from '../src/adapters/mongo/image-event.schema.js';
import {
  ensureRepositoryIndexes,
  repositoryModel,
} from '../src/adapters/mongo/repository.schema.js';
import { HttpRegistryReader } from '../src/adapters/registry/http-registry-reader.js';
import { anonymousRegistryAccess } from '../src/adapters/registry/registry-authorizer.js';
import { ConfigError } from '../src/application/config/config-error.js';
import { ReconcileCatalog } from '../src/domain/use-cases/reconcile-catalog/reconcile-catalog.use-case.js';
import { RegistryServer } from '../tests/support/registry.js';
import { driverUpsert, envelopeOf, TagPushes } from './event-envelopes.js';
import {
  benchDatabaseUri,
  loadEventsBenchConfig,
  type EventsBenchConfig,
} from './events-bench-config.js';
import { call } from './http-call.js';
import {
  machine,
  renderEventsReport,
  type EventRound,
  type EventRun,
  type ReconcileRun,
} from './events-report.js';
import { closedLoop, type Measurement, type Operation } from './load-runs.js';
import { writeRegistryStorage } from './registry-storage.js';
import { resultsPath, writeResults } from './results-file.js';
import { seedTagPushes } from './seed-tag-pushes.js';
import { buildService, startServiceProcess, type ServiceProcess } from './service-process.js';

const V1_ENVELOPE = 'application/vnd.docker.distribution.events.v1+json';

async function benchmark(config: EventsBenchConfig, signal: AbortSignal): Promise<string[]> {
  progress('building the service');
  await buildService();
  const failures: string[] = [];

  const databaseUri = benchDatabaseUri(config.serverUri, 'events');
  const connection = await connectMongo(databaseUri, { serverSelectionTimeoutMs: 5_000 });
  const secret = randomBytes(24).toString('base64url');
  let service: ServiceProcess | undefined;
  try {
    const pushes = new TagPushes(config.eventRepositories, 'bench');
    progress(`seeding ${config.eventRepositories} repositories with 10 tags each`);
    await seedTagPushes(connection, pushes.initial());
    const database = await describeServer(connection);

    progress('starting the service');
    service = await startServiceProcess(databaseUri, {
      NOTIFICATION_SECRETS: secret,
      LOG_LEVEL: 'error',
    });
    // node:http on keep-alive connections, as the other benchmarks send: fetch costs the
    // generator about twice the CPU per request, taken from the same two CPUs as the database.
    const agent = new Agent({ keepAlive: true, maxSockets: config.concurrency });
    const headers = { 'content-type': V1_ENVELOPE, authorization: `Bearer ${secret}` };
    const viaEndpoint = (eventsPerRequest: number): Operation => {
      const port = (service as ServiceProcess).httpPort;
      return async () => {
        const batch = Array.from({ length: eventsPerRequest }, () => pushes.next());
        const answer = await call(agent, port, 'POST', '/event', headers, envelopeOf(batch));
        if (answer.status !== 200)
          throw new Error(`/event answered ${answer.status}: ${answer.body}`);
      };
    };
    const collection = repositoryModel(connection).collection;
    const viaDriver: Operation = async () => {
      const { filter, update } = driverUpsert(pushes.next());
      await collection.updateOne(filter as never, update, { upsert: true });
    };

    // Rounds of the three runs, every other round backwards: the database's speed drifts
    // through a benchmark, and the order spreads that drift over the driver and the endpoint
    // alike. Each endpoint run is compared with the driver run of its own round.
    const driverRun = (round: number) =>
      peak(`round ${round}, driver upserts`, viaDriver, config, signal, failures);
    const endpointRun = async (round: number, eventsPerRequest: number): Promise<EventRun> => {
      const name = `/event, ${eventsPerRequest} push${eventsPerRequest > 1 ? 'es' : ''} per request`;
      const operation = viaEndpoint(eventsPerRequest);
      const measured = await peak(`round ${round}, ${name}`, operation, config, signal, failures);
      return { name, eventsPerRequest, measured };
    };
    const rounds: EventRound[] = [];
    for (let round = 1; round <= config.rounds; round += 1) {
      if (round % 2 === 1) {
        const driver = await driverRun(round);
        const runs = [await endpointRun(round, 1), await endpointRun(round, 10)];
        rounds.push({ driver, runs });
      } else {
        const ten = await endpointRun(round, 10);
        const one = await endpointRun(round, 1);
        rounds.push({ driver: await driverRun(round), runs: [one, ten] });
      }
    }
    agent.destroy();

    const reconcile =
      config.reconcileRepositories > 0 ? await reconcileBenchmark(config, failures) : undefined;
    const report = {
      repositories: config.eventRepositories,
      concurrency: config.concurrency,
      seconds: config.seconds,
      database,
      rounds,
      reconcile,
    };
    await writeResults(resultsPath('bench-events'), { ...report, machine: machine() });
    process.stdout.write(`\n${renderEventsReport(report)}`);
    return failures;
  } finally {
    progress('stopping the service and dropping the database');
    await service?.stop();
    await connection.db?.dropDatabase();
    await connection.close();
  }
}

/** Warm-up (discarded), then the measured closed loop. */
async function peak(
  name: string,
  operation: Operation,
  config: EventsBenchConfig,
  signal: AbortSignal,
  failures: string[],
): Promise<Measurement> {
  progress(`${name}: closed loop, ${config.concurrency} in flight`);
  const load = { concurrency: config.concurrency, signal };
  await closedLoop(operation, { ...load, seconds: config.warmupSeconds });
  const measured = await closedLoop(operation, { ...load, seconds: config.seconds });
  if (measured.failed > 0)
    failures.push(`${name}: ${measured.failed} failed, first: ${measured.firstFailure}`);
  return measured;
}

/** Reconciles an empty catalog against a registry of many repositories, then an equal one. */
async function reconcileBenchmark(
  config: EventsBenchConfig,
  failures: string[],
): Promise<{ repositories: number; registry: string; runs: ReconcileRun[] }> {
  const storage = await mkdtemp(join(tmpdir(), 'bench-registry-'));
  const names = Array.from(
    { length: config.reconcileRepositories },
    (_, index) => `team-${index % 100}/svc-${index}`,
  );
  progress(
    `writing ${names.length} repositories into a registry ${config.registryVersion} storage`,
  );
  await writeRegistryStorage(storage, names);
  const registry = await RegistryServer.start({
    version: config.registryVersion,
    extra: { storage: { filesystem: { rootdirectory: storage } } },
  });
  const connection = await connectMongo(benchDatabaseUri(config.serverUri, 'reconcile'), {
    serverSelectionTimeoutMs: 5_000,
  });
  try {
    await ensureRepositoryIndexes(connection);
    let requests = 0;
    // The reader asks for authorization once per request: counting here counts requests.
    const reader = new HttpRegistryReader({
      baseUrl: new URL(registry.url),
      timeoutMs: 30_000,
      authorizer: {
        authorization: async (scope) => (
          (requests += 1),
          anonymousRegistryAccess.authorization(scope)
        ),
      },
    });
    const reconcile = new ReconcileCatalog(
      new MongooseImageCatalog(repositoryModel(connection)),
      reader,
      {
        now: () => new Date(),
      },
      new MongooseImageEventLog(imageEventModel(connection)),
    );

    const runs: ReconcileRun[] = [];
    for (const name of ['empty catalog', 'catalog already equal']) {
      progress(`reconcile, ${name}`);
      requests = 0;
      const started = performance.now();
      const result = await reconcile.execute({ dryRun: false });
      if (!result.ok) throw result.error;
      if (result.value.failed.length > 0)
        failures.push(`reconcile ${name}: ${result.value.failed.length} failed`);
      runs.push({
        name,
        seconds: (performance.now() - started) / 1000,
        requests,
        summary: result.value,
      });
    }
    return { repositories: names.length, registry: config.registryVersion, runs };
  } finally {
    await connection.db?.dropDatabase();
    await connection.close();
    await registry.dispose();
    await rm(storage, { recursive: true, force: true });
  }
}

// FerretDB reports the MongoDB version it mimics; its own version is what matters for figures.
async function describeServer(connection: Connection): Promise<string> {
  const info = (await connection.db?.admin().command({ buildInfo: 1 })) ?? {};
  const ferretdb = info['ferretdbVersion'];
  const version = String(info['version']);
  return typeof ferretdb === 'string'
    ? `FerretDB ${ferretdb} (reports MongoDB ${version})`
    : `MongoDB ${version}`;
}

function progress(message: string): void {
  process.stderr.write(`bench:events: ${message}\n`);
}

// Ctrl-C ends the current run early and still stops the service and drops the database.
const interrupted = new AbortController();
process.once('SIGINT', () => interrupted.abort(new Error('interrupted')));

try {
  const failures = await benchmark(loadEventsBenchConfig(process.env), interrupted.signal);
  for (const failure of failures) process.stderr.write(`failed: ${failure}\n`);
  if (failures.length > 0) process.exitCode = 1;
} catch (error) {
  process.stderr.write(
    `bench:events: ${error instanceof ConfigError ? error.message : String(error)}\n`,
  );
  if (!(error instanceof ConfigError) && error instanceof Error)
    process.stderr.write(`${error.stack}\n`);
  process.exitCode = error instanceof ConfigError ? 2 : 1;
}
