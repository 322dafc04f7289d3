/**
 * `npm run bench:grpc`: how fast the catalog answers FogCore's two read calls.
 *
 * Seeds BENCH_REPOSITORIES repositories across BENCH_OWNERS owners into a fresh database on
 * MONGODB_URI, starts the built service as a child process, and measures over gRPC on loopback
 * Find (`<owner>/<app>:latest`) and List (one owner): peak throughput and p50/p99 with
 * BENCH_CONCURRENCY calls in flight for BENCH_SECONDS, then p50/p99 at half that peak with calls
 * sent on a fixed schedule. The same queries sent straight through the MongoDB driver are the
 * baseline: the database's own speed is the ceiling for any service in front of it, so the
 * service/driver ratio isolates what the service adds (gRPC, protobuf, use cases, mapping).
 *
 * Prints a Markdown table to stdout (progress goes to stderr), then stops the service and drops
 * the database. Exits 0 even when a target is missed; non-zero only when something failed.
 */
import { connectMongo } from '../src/adapters/mongo/mongo-connection.js';
import { redactUri } from '../src/adapters/mongo/redact-uri.js';
import { ConfigError } from '../src/application/config/config-error.js';
import { DEFAULT_REPOSITORIES, loadBenchConfig, type BenchConfig } from './bench-config.js';
import { catalogOperations, expectOk, type OperationUnderTest } from './catalog-operations.js';
import { closedLoop, openLoop, type Measurement, type Operation } from './load-runs.js';
import { machine, rate, renderReport, type OperationResult } from './report.js';
import { resultsPath, writeResults } from './results-file.js';
import { BenchCatalog, repositoryCollection, seedRepositories } from './seed-repositories.js';
import { buildService, startServiceProcess, type ServiceProcess } from './service-process.js';

/** Runs the whole benchmark; returns how many runs had failed calls. */
async function benchmark(config: BenchConfig, signal: AbortSignal): Promise<number> {
  // Build first: a broken build should not cost a long seeding.
  progress('building the service');
  await buildService();

  const connection = await connectMongo(config.databaseUri, { serverSelectionTimeoutMs: 5_000 });
  let service: ServiceProcess | undefined;
  try {
    const catalog = new BenchCatalog(config.repositories, config.owners);
    const started = Date.now();
    let reported = started;
    progress(
      `seeding ${count(config.repositories)} repositories into ${redactUri(config.databaseUri)}`,
    );
    await seedRepositories(connection, catalog, signal, (seeded) => {
      // A line every few seconds is enough to show that a long seeding still moves.
      if (seeded < config.repositories && Date.now() - reported < 3_000) return;
      reported = Date.now();
      const seconds = ((reported - started) / 1000).toFixed(1);
      progress(`seeded ${count(seeded)}/${count(config.repositories)} (${seconds} s)`);
    });

    const collection = repositoryCollection(connection);
    const database = describeServer(await collection.db.admin().command({ buildInfo: 1 }));

    progress('starting the service');
    service = await startServiceProcess(config.databaseUri);
    const { client } = service;
    // One answer that must succeed: it proves the service is up and reads the seeded shape.
    const probe = `${catalog.repositoryName(0)}:latest`;
    expectOk((await client.find({ name: probe })).status, `Find "${probe}"`);

    const { find, list } = catalogOperations(catalog, client, collection);

    const failures: string[] = [];
    const findResult = await measure(find, config, signal, failures);
    const listResult = await measure(list, config, signal, failures);

    const { repositories, owners, concurrency, seconds } = config;
    const setup = { repositories, owners, concurrency, seconds, database, machine: machine() };
    // Other scales keep their own file, so that a small trial never replaces the figures.
    const name =
      repositories === DEFAULT_REPOSITORIES ? 'bench-grpc' : `bench-grpc-${repositories}`;
    await writeResults(resultsPath(name), { setup, find: findResult, list: listResult });
    process.stdout.write(`\n${renderReport(setup, findResult, listResult)}`);
    for (const failure of failures) process.stderr.write(`failed: ${failure}\n`);
    return failures.length;
  } finally {
    progress('stopping the service and dropping the database');
    await service?.stop();
    await connection.db?.dropDatabase();
    await connection.close();
  }
}

/**
 * The service's peak, its latency at half that peak, then the driver's peak and its latency at
 * the same rate.
 */
async function measure(
  operation: OperationUnderTest,
  config: BenchConfig,
  signal: AbortSignal,
  failures: string[],
): Promise<OperationResult> {
  const record = (run: string, measured: Measurement): Measurement => {
    signal.throwIfAborted();
    if (measured.failed > 0) {
      failures.push(`${run}: ${measured.failed} calls failed, first: ${measured.firstFailure}`);
    }
    return measured;
  };
  const peak = async (call: Operation, run: string): Promise<Measurement> => {
    const load = { concurrency: config.concurrency, signal };
    progress(`${run}: closed loop, ${config.concurrency} in flight`);
    record(`${run} (warm-up)`, await closedLoop(call, { ...load, seconds: config.warmupSeconds }));
    return record(run, await closedLoop(call, { ...load, seconds: config.seconds }));
  };

  const service = await peak(operation.viaService, `${operation.name} via gRPC`);
  if (service.calls === service.failed) {
    throw new Error(`no ${operation.name} call succeeded: ${service.firstFailure}`);
  }

  const halfPeakRate = service.opsPerSecond / 2;
  progress(`${operation.name} via gRPC: open loop, ${rate(halfPeakRate)} calls/s`);
  const open = { ratePerSecond: halfPeakRate, seconds: config.seconds, signal };
  const halfPeak = record(
    `${operation.name} at half peak`,
    await openLoop(operation.viaService, open),
  );

  const driver = await peak(operation.viaDriver, operation.driverQuery);
  progress(`${operation.driverQuery}: open loop, ${rate(halfPeakRate)} calls/s`);
  const driverHalfPeak = record(
    `${operation.driverQuery} at the same rate`,
    await openLoop(operation.viaDriver, open),
  );

  const { name, driverQuery } = operation;
  return { name, driverQuery, service, halfPeak, halfPeakRate, driver, driverHalfPeak };
}

// FerretDB reports the MongoDB version it mimics; its own version is what matters for figures.
function describeServer(buildInfo: Record<string, unknown>): string {
  const version = String(buildInfo['version']);
  const ferretdb = buildInfo['ferretdbVersion'];
  return typeof ferretdb === 'string'
    ? `FerretDB ${ferretdb} (reports MongoDB ${version})`
    : `MongoDB ${version}`;
}

function progress(message: string): void {
  process.stderr.write(`bench:grpc: ${message}\n`);
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

// Ctrl-C ends the current run early and still stops the service and drops the database.
const interrupted = new AbortController();
process.once('SIGINT', () => interrupted.abort(new Error('interrupted')));

try {
  const failed = await benchmark(loadBenchConfig(process.env), interrupted.signal);
  if (failed > 0) process.exitCode = 1;
} catch (error) {
  const cause =
    error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  process.stderr.write(
    `bench:grpc: ${error instanceof Error ? error.message : String(error)}${cause}\n`,
  );
  process.exitCode = error instanceof ConfigError ? 2 : 1;
}
