/**
 * `npm run bench:database`: how fast the server on MONGODB_URI answers the catalog's own query
 * shapes, straight through the MongoDB driver, at two sizes of the catalog. It is how the
 * benchmarks chose their database: `npm run bench:database` runs it on FerretDB's SQLite
 * backend, then on its PostgreSQL backend (scripts/with-database.sh), and each run prints its
 * table.
 *
 * For each size (BENCH_DATABASE_SIZES, default 1000,10000), it seeds that many repositories of
 * BENCH_OWNERS owners (100) into a fresh database, then runs each query for BENCH_SECONDS (5)
 * with 8 in flight: Find's `_id` lookup, List's owner query, and the conditional update a tag
 * push makes. Exits 1 when a query failed.
 */
import { connectMongo } from '../src/adapters/mongo/mongo-connection.js';
import { tagPushUpdate } from '../src/adapters/mongo/tag-push-update.js';
import { ConfigError } from '../src/application/config/config-error.js';
import { EnvReader } from '../src/application/config/env-reader.js';
import { benchDatabaseUri } from './events-bench-config.js';
import { ms } from './figures.js';
import { closedLoop, type Measurement } from './load-runs.js';
import { machine, rate } from './report.js';
import { BenchCatalog, repositoryCollection, seedRepositories } from './seed-repositories.js';

const CONCURRENCY = 8;

interface DatabaseBenchConfig {
  readonly serverUri: string;
  readonly sizes: readonly number[];
  readonly owners: number;
  readonly seconds: number;
}

function loadConfig(env: Readonly<Record<string, string | undefined>>): DatabaseBenchConfig {
  const reader = new EnvReader(env);
  const serverUri = reader.optionalString('MONGODB_URI') ?? '';
  if (!/^mongodb(\+srv)?:\/\/[^/?#]+/.test(serverUri)) {
    reader.reject('MONGODB_URI', serverUri, 'required: a mongodb:// URI', '');
  }

  const listed = reader.string('BENCH_DATABASE_SIZES', '1000,10000');
  const sizes = listed.split(',').map((size) => Number(size.trim()));
  if (sizes.some((size) => !Number.isSafeInteger(size) || size < 1 || size > 1_000_000)) {
    reader.reject('BENCH_DATABASE_SIZES', listed, 'expected sizes such as 1000,10000', []);
  }

  const config = {
    serverUri,
    sizes,
    owners: reader.integer('BENCH_OWNERS', 100, { min: 1, max: 1_000_000 }),
    seconds: reader.integer('BENCH_SECONDS', 5, { min: 1, max: 3_600 }),
  };
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return config;
}

/** Every query at one size; resolves to the rows of the table and the failures. */
async function measureSize(
  config: DatabaseBenchConfig,
  size: number,
  signal: AbortSignal,
): Promise<{ rows: string[]; failures: string[] }> {
  const connection = await connectMongo(benchDatabaseUri(config.serverUri, 'database'), {
    serverSelectionTimeoutMs: 5_000,
  });
  try {
    const catalog = new BenchCatalog(size, Math.min(config.owners, size));
    progress(`seeding ${size.toLocaleString('en-US')} repositories`);
    await seedRepositories(connection, catalog, signal, () => undefined);
    const collection = repositoryCollection(connection);

    let pushes = 0;
    const queries: [string, () => Promise<unknown>][] = [
      ['`findOne({_id})` (Find)', () => collection.findOne({ _id: catalog.randomRepository() })],
      [
        '`find({owner, tags: {$ne: {}}}).sort({_id: 1})` (List)',
        () =>
          collection
            .find({ owner: catalog.randomOwner(), tags: { $ne: {} } })
            .sort({ _id: 1 })
            .toArray(),
      ],
      [
        'conditional `updateOne` of a tag push',
        () => {
          const repository = catalog.randomRepository();
          pushes += 1;
          const { filter, update } = tagPushUpdate({
            repository,
            owner: repository.split('/')[0] as string,
            tag: 'latest',
            digest: `sha256:${'b'.repeat(64)}`,
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            size: 1,
            pushedAt: new Date(Date.UTC(2027, 0, 1) + pushes),
          });
          return collection.updateOne(filter as never, update as never);
        },
      ],
    ];

    const rows: string[] = [];
    const failures: string[] = [];
    for (const [name, query] of queries) {
      progress(`${name} on ${size.toLocaleString('en-US')} repositories`);
      const measured: Measurement = await closedLoop(
        async () => {
          await query();
        },
        { concurrency: CONCURRENCY, seconds: config.seconds, signal },
      );
      if (measured.failed > 0) failures.push(`${name}: ${measured.firstFailure}`);
      rows.push(
        `| ${size.toLocaleString('en-US')} | ${name} | ${rate(measured.opsPerSecond)} | ` +
          `${ms(measured.p50Ms)} | ${ms(measured.p99Ms)} |`,
      );
    }
    return { rows, failures };
  } finally {
    await connection.db?.dropDatabase();
    await connection.close();
  }
}

async function describeServer(uri: string): Promise<string> {
  const connection = await connectMongo(uri, { serverSelectionTimeoutMs: 5_000 });
  try {
    const info = (await connection.db?.admin().command({ buildInfo: 1 })) ?? {};
    const ferretdb = info['ferretdbVersion'];
    // scripts/with-database.sh reads the same variable to pick the backend it starts.
    const backend = process.env['FERRETDB_BACKEND'];
    return typeof ferretdb === 'string'
      ? `FerretDB ${ferretdb}${backend === undefined ? '' : ` (${backend})`}`
      : `MongoDB ${String(info['version'])}`;
  } finally {
    await connection.close();
  }
}

function progress(message: string): void {
  process.stderr.write(`bench:database: ${message}\n`);
}

const interrupted = new AbortController();
process.once('SIGINT', () => interrupted.abort(new Error('interrupted')));

try {
  const config = loadConfig(process.env);
  const server = await describeServer(config.serverUri);
  const lines = [
    `### The catalog's queries on ${server}`,
    '',
    '| Repositories | Query | ops/s | p50 | p99 |',
    '|---:|---|---:|---:|---:|',
  ];
  const failures: string[] = [];
  for (const size of config.sizes) {
    const measured = await measureSize(config, size, interrupted.signal);
    lines.push(...measured.rows);
    failures.push(...measured.failures);
  }
  lines.push(
    '',
    `${CONCURRENCY} in flight, ${config.seconds} s per query, through the MongoDB driver. ` +
      `Machine: ${machine()}.`,
  );
  process.stdout.write(`\n${lines.join('\n')}\n`);
  for (const failure of failures) process.stderr.write(`failed: ${failure}\n`);
  if (failures.length > 0) process.exitCode = 1;
} catch (error) {
  process.stderr.write(
    `bench:database: ${error instanceof ConfigError ? error.message : String(error)}\n`,
  );
  process.exitCode = error instanceof ConfigError ? 2 : 1;
}
