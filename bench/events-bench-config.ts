import { randomBytes } from 'node:crypto';

import { redactUri } from '../src/adapters/mongo/redact-uri.js';
import { ConfigError } from '../src/application/config/config-error.js';
import { EnvReader } from '../src/application/config/env-reader.js';

/** What one run of `npm run bench:events` does, read from BENCH_* variables and MONGODB_URI. */
export interface EventsBenchConfig {
  /** The server the benchmark's own databases live on; each part drops its database after. */
  readonly serverUri: string;
  /** Repositories the pushes go to; each has ten tags, so documents keep their size. */
  readonly eventRepositories: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Rounds of a driver run and the endpoint's two runs; the ratios are their medians. */
  readonly rounds: number;
  /** Repositories in the registry that reconciliation reads; 0 skips that part. */
  readonly reconcileRepositories: number;
  readonly registryVersion: '2.8' | '3';
}

export function loadEventsBenchConfig(
  env: Readonly<Record<string, string | undefined>>,
): EventsBenchConfig {
  const reader = new EnvReader(env);

  const serverUri = reader.optionalString('MONGODB_URI') ?? '';
  if (!/^mongodb(\+srv)?:\/\/[^/?#]+/.test(serverUri)) {
    reader.reject(
      'MONGODB_URI',
      redactUri(serverUri),
      'required: a mongodb:// URI for the benchmark databases',
      0,
    );
  }

  const config: EventsBenchConfig = {
    serverUri,
    eventRepositories: reader.integer('BENCH_EVENT_REPOSITORIES', 1_000, {
      min: 1,
      max: 1_000_000,
    }),
    // A registry sends one request at a time to an endpoint: 4 in flight is four replicas.
    concurrency: reader.integer('BENCH_CONCURRENCY', 4, { min: 1, max: 1_024 }),
    seconds: reader.integer('BENCH_SECONDS', 10, { min: 1, max: 3_600 }),
    warmupSeconds: reader.integer('BENCH_WARMUP_SECONDS', 2, { min: 0, max: 600 }),
    rounds: reader.integer('BENCH_ROUNDS', 3, { min: 1, max: 20 }),
    reconcileRepositories: reader.integer('BENCH_RECONCILE_REPOSITORIES', 10_000, {
      min: 0,
      max: 1_000_000,
    }),
    registryVersion: reader.oneOf('BENCH_REGISTRY', ['3', '2.8'] as const, '3'),
  };

  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return config;
}

/** A fresh database on the server: a crashed run's leftovers never mix into the next figures. */
export function benchDatabaseUri(serverUri: string, purpose: string): string {
  const url = new URL(serverUri);
  url.pathname = `/bench_${purpose}_${randomBytes(4).toString('hex')}`;
  return url.toString();
}
