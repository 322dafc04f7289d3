import { randomBytes } from 'node:crypto';

import { redactUri } from '../src/adapters/mongo/redact-uri.js';
import { ConfigError } from '../src/application/config/config-error.js';
import { EnvReader } from '../src/application/config/env-reader.js';

/** The scale: a run at it writes bench/results/bench-grpc.json. */
export const DEFAULT_REPOSITORIES = 100_000;

/** What one benchmark run does, read from BENCH_* variables and MONGODB_URI. */
export interface BenchConfig {
  /** The benchmark's own database on the MONGODB_URI server, dropped at the end. */
  readonly databaseUri: string;
  readonly repositories: number;
  readonly owners: number;
  readonly concurrency: number;
  readonly seconds: number;
  /** Discarded calls before each closed-loop run, so that JIT and pools are warm. */
  readonly warmupSeconds: number;
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadBenchConfig(env: Readonly<Record<string, string | undefined>>): BenchConfig {
  const reader = new EnvReader(env);

  const serverUri = reader.optionalString('MONGODB_URI');
  let databaseUri = '';
  if (serverUri === undefined) {
    reader.reject('MONGODB_URI', '', 'required: the server the benchmark seeds its database on', 0);
  } else if (!/^mongodb(\+srv)?:\/\/[^/?#]+/.test(serverUri) || !URL.canParse(serverUri)) {
    reader.reject('MONGODB_URI', redactUri(serverUri), 'expected a mongodb:// URI', 0);
  } else {
    databaseUri = benchDatabaseUri(serverUri);
  }

  const repositories = reader.integer('BENCH_REPOSITORIES', DEFAULT_REPOSITORIES, {
    min: 1,
    max: 10_000_000,
  });
  const owners = reader.integer('BENCH_OWNERS', 1_000, { min: 1, max: 1_000_000 });
  // Every owner must hold a repository, or List of a random owner would find nothing.
  if (owners > repositories) {
    reader.reject(
      'BENCH_OWNERS',
      String(owners),
      `expected at most BENCH_REPOSITORIES (${repositories})`,
      0,
    );
  }

  const config: BenchConfig = {
    databaseUri,
    repositories,
    owners,
    concurrency: reader.integer('BENCH_CONCURRENCY', 16, { min: 1, max: 1_024 }),
    seconds: reader.integer('BENCH_SECONDS', 10, { min: 1, max: 3_600 }),
    warmupSeconds: reader.integer('BENCH_WARMUP_SECONDS', 2, { min: 0, max: 600 }),
  };

  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return config;
}

// A fresh name per run: a crashed run's leftovers never mix into the next one's figures.
function benchDatabaseUri(serverUri: string): string {
  const url = new URL(serverUri);
  url.pathname = `/bench_grpc_${randomBytes(4).toString('hex')}`;
  return url.toString();
}
