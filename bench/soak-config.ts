import { redactUri } from '../src/adapters/mongo/redact-uri.js';
import { ConfigError } from '../src/application/config/config-error.js';
import { EnvReader } from '../src/application/config/env-reader.js';
import { benchDatabaseUri } from './events-bench-config.js';
import { resultsPath } from './results-file.js';

/** The load, per second, all at once: what a busy FogCore site asks of one replica. */
export const SOAK_RATES = { token: 1_000, event: 200, grpc: 500 } as const;

/** The rest of the targets. */
export const SOAK_TARGETS = {
  /** Achieved rate (answered with success within the deadline) over the target rate. */
  minRateRatio: 0.99,
  /** RSS at the end over RSS after the warm-up, minus one. */
  maxRssGrowth: 0.1,
} as const;

/** What `npm run soak` does, read from SOAK_* variables and MONGODB_URI. */
export interface SoakConfig {
  /** The soak's own database on the MONGODB_URI server, dropped at the end. */
  readonly databaseUri: string;
  readonly seconds: number;
  /** Load at the full rates before measuring, so that JIT, pools and caches are warm. */
  readonly warmupSeconds: number;
  /** Where the figures go as JSON, for `npm run report`. */
  readonly resultsFile: string;
  /**
   * SOAK_LOAD_PERCENT: the share of SOAK_RATES sent, 100 by default. Below 100 the run shows
   * what a machine holds, and its targets are the scaled rates, which its report says.
   */
  readonly loadPercent: number;
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadSoakConfig(env: Readonly<Record<string, string | undefined>>): SoakConfig {
  const reader = new EnvReader(env);

  const serverUri = reader.optionalString('MONGODB_URI') ?? '';
  if (!/^mongodb(\+srv)?:\/\/[^/?#]+/.test(serverUri) || !URL.canParse(serverUri)) {
    reader.reject(
      'MONGODB_URI',
      redactUri(serverUri),
      'required: a mongodb:// URI for the soak database',
      0,
    );
  }

  const loadPercent = reader.integer('SOAK_LOAD_PERCENT', 100, { min: 1, max: 1_000 });
  const config: SoakConfig = {
    databaseUri: reader.problems.length === 0 ? benchDatabaseUri(serverUri, 'soak') : '',
    seconds: reader.integer('SOAK_SECONDS', 60, { min: 1, max: 86_400 }),
    warmupSeconds: reader.integer('SOAK_WARMUP_SECONDS', 5, { min: 0, max: 600 }),
    loadPercent,
    // A run at another load keeps its own file, beside the one at the rates.
    resultsFile:
      reader.optionalString('SOAK_RESULTS_FILE') ??
      resultsPath(loadPercent === 100 ? 'soak' : `soak-${loadPercent}`),
  };

  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return config;
}
