/**
 * `npm run bench:pages`: how fast a client walks the whole catalog with List's pages.
 *
 * Seeds BENCH_REPOSITORIES repositories (100,000 by default) across BENCH_OWNERS owners into a
 * fresh database on MONGODB_URI, starts the built service as a child process, and walks every
 * page of everyone's images over gRPC with BENCH_PAGE_SIZE repositories per page (1000), then
 * walks the same pages with the very query the catalog issues per page (a range on `_id`,
 * sorted by `_id`, one more than a page) through the bare MongoDB driver: the baseline, measured
 * in the same run, that the service/driver ratio compares with. Prints a Markdown table to
 * stdout (progress goes to stderr), then stops the service and drops the database.
 */
import { connectMongo } from '../src/adapters/mongo/mongo-connection.js';
import { redactUri } from '../src/adapters/mongo/redact-uri.js';
import { ConfigError } from '../src/application/config/config-error.js';
import { EnvReader } from '../src/application/config/env-reader.js';
import type { ImagesAPIClient } from '../generated/images_api.js';
import { loadBenchConfig } from './bench-config.js';
import { BenchCatalog, repositoryCollection, seedRepositories } from './seed-repositories.js';
import { buildService, startServiceProcess, type ServiceProcess } from './service-process.js';

interface Walk {
  readonly pages: number;
  readonly repositories: number;
  readonly milliseconds: number;
}

async function benchmark(signal: AbortSignal): Promise<void> {
  const config = loadBenchConfig(process.env);
  const pageSize = readPageSize();

  progress('building the service');
  await buildService();

  const connection = await connectMongo(config.databaseUri, { serverSelectionTimeoutMs: 5_000 });
  let service: ServiceProcess | undefined;
  try {
    progress(`seeding ${config.repositories} repositories into ${redactUri(config.databaseUri)}`);
    const catalog = new BenchCatalog(config.repositories, config.owners);
    await seedRepositories(connection, catalog, signal, () => undefined);
    const collection = repositoryCollection(connection);

    progress('starting the service');
    service = await startServiceProcess(config.databaseUri);

    progress(`walking every page of ${pageSize} over gRPC`);
    const viaService = await walkService(service.client, pageSize, signal);
    progress(`walking the same pages with the bare driver`);
    const viaDriver = await walkDriver(collection, pageSize, signal);

    for (const walk of [viaService, viaDriver]) {
      if (walk.repositories !== config.repositories) {
        throw new Error(
          `a walk returned ${walk.repositories} of ${config.repositories} repositories`,
        );
      }
    }
    process.stdout.write(`\n${report(config.repositories, pageSize, viaService, viaDriver)}`);
  } finally {
    progress('stopping the service and dropping the database');
    await service?.stop();
    await connection.db?.dropDatabase();
    await connection.close();
  }
}

async function walkService(
  client: ImagesAPIClient,
  pageSize: number,
  signal: AbortSignal,
): Promise<Walk> {
  const started = performance.now();
  let pages = 0;
  let repositories = 0;
  let pageToken = '';
  do {
    signal.throwIfAborted();
    const response = await client.list({ username: '', pageSize, pageToken });
    if (response.status?.code !== 200) {
      throw new Error(`List answered ${response.status?.code}: ${response.status?.detail}`);
    }
    pages += 1;
    repositories += response.images.reduce((sum, group) => sum + group.list.length, 0);
    pageToken = response.nextPageToken;
  } while (pageToken !== '');
  return { pages, repositories, milliseconds: performance.now() - started };
}

// The catalog's own page query: the page and one more, to tell whether another follows.
async function walkDriver(
  collection: ReturnType<typeof repositoryCollection>,
  pageSize: number,
  signal: AbortSignal,
): Promise<Walk> {
  const started = performance.now();
  let pages = 0;
  let repositories = 0;
  let after: string | undefined;
  for (;;) {
    signal.throwIfAborted();
    const filter = { ...(after === undefined ? {} : { _id: { $gt: after } }), tags: { $ne: {} } };
    const found = await collection
      .find(filter)
      .sort({ _id: 1 })
      .limit(pageSize + 1)
      .toArray();
    const page = found.slice(0, pageSize);
    pages += 1;
    repositories += page.length;
    if (found.length <= pageSize) break;
    after = page.at(-1)?._id;
  }
  return { pages, repositories, milliseconds: performance.now() - started };
}

function report(repositories: number, pageSize: number, service: Walk, driver: Walk): string {
  const row = (name: string, walk: Walk) => {
    const seconds = walk.milliseconds / 1000;
    const ratio = driver.milliseconds / walk.milliseconds;
    return (
      `| ${name} | ${walk.pages} | ${seconds.toFixed(1)} s | ${(walk.pages / seconds).toFixed(2)} | ` +
      `${(walk.repositories / seconds).toFixed(0)} | ${ratio.toFixed(2)} |`
    );
  };
  return [
    `Walking ${repositories.toLocaleString('en-US')} repositories, ${pageSize} per page`,
    '',
    '| Walk | Pages | Whole walk | Pages/s | Repositories/s | Speed vs driver |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row('List pages over gRPC', service),
    row('the same queries with the driver', driver),
    '',
  ].join('\n');
}

function readPageSize(): number {
  const reader = new EnvReader(process.env);
  const pageSize = reader.integer('BENCH_PAGE_SIZE', 1000, { min: 1, max: 1000 });
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return pageSize;
}

function progress(message: string): void {
  process.stderr.write(`bench:pages: ${message}\n`);
}

// Ctrl-C ends the walk early and still stops the service and drops the database.
const interrupted = new AbortController();
process.once('SIGINT', () => interrupted.abort(new Error('interrupted')));

try {
  await benchmark(interrupted.signal);
} catch (error) {
  process.stderr.write(`bench:pages failed: ${error instanceof Error ? error.message : error}\n`);
  process.exitCode = 1;
}
