/**
 * `npm run soak`: the service under all of its traffic at once, for SOAK_SECONDS (60).
 *
 * Seeds a fresh database on MONGODB_URI (1,000 repositories for the gRPC reads, 200 with five
 * tags each for the events), starts the built service as a child process with an htpasswd file
 * and a notification secret, verifies every user's credentials once, then sends on fixed
 * schedules over loopback: token requests at 1,000/s, registry envelopes at 200/s (see
 * soak-envelopes.ts for the mix) and gRPC Find and List at 500/s together. After
 * SOAK_WARMUP_SECONDS (5) of the same load, it measures: per kind the achieved rate, p50/p99
 * from each call's scheduled time, 503s (refusals the registry retries) apart from errors
 * (failures) and timeouts; the service's RSS after the warm-up, halfway and at the end (each the
 * median of ten readings a second apart); and the service's event-loop lag from its /metrics
 * when it has them.
 *
 * Prints Markdown to stdout ending with `errors: N`, progress to stderr, and writes the figures
 * to bench/results/soak.json (SOAK_RESULTS_FILE) for `npm run report`. Exit code 1 when any
 * target is missed, 2 for a bad variable.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

import bcrypt from 'bcryptjs';
import { createChannel, createClient } from 'nice-grpc';
import { ImagesAPIDefinition, type ImagesAPIClient } from '../generated/images_api.js';

import { connectMongo } from '../src/adapters/mongo/mongo-connection.js';
import { ConfigError } from '../src/application/config/config-error.js';
import { writeResults } from './results-file.js';
import { seedTagPushes } from './seed-tag-pushes.js';
import { BenchCatalog, repositoryCollection, seedRepositories } from './seed-repositories.js';
import { buildService, startServiceProcess, type ServiceProcess } from './service-process.js';
import { EventLoopLagProbe, ResidentMemorySampler } from './service-probes.js';
import { loadSoakConfig, type SoakConfig } from './soak-config.js';
import { SOAK_EVENT_MIX, SoakEnvelopes } from './soak-envelopes.js';
import { SoakProgress } from './soak-progress.js';
import {
  renderSoakReport,
  soakMisses,
  type SoakKindResult,
  type SoakResult,
} from './soak-report.js';
import { runOpenLoops, type Tally } from './soak-schedule.js';
import { call } from './http-call.js';
import { basic, soakWorkloads } from './soak-workloads.js';

const PASSWORD = 'soak-password';
const USERS = 20;
/** A registry's notification timeout, as the README recommends: later answers are too late. */
const DEADLINE_MS = 5_000;
const LAG_SCRAPE_MS = 5_000;

async function soak(config: SoakConfig, signal: AbortSignal): Promise<SoakResult> {
  progress('building the service');
  await buildService();

  const connection = await connectMongo(config.databaseUri, { serverSelectionTimeoutMs: 5_000 });
  const directory = await mkdtemp(join(tmpdir(), 'soak-'));
  let service: ServiceProcess | undefined;
  try {
    progress('seeding the catalog');
    const catalog = new BenchCatalog(1_000, 100);
    await seedRepositories(connection, catalog, signal, () => undefined);
    const envelopes = new SoakEnvelopes(200);
    await seedTagPushes(connection, envelopes.initial(new Date(Date.now() - 3_600_000)));
    const database = await describeServer(connection);

    // One hash for every user: each user's first login still pays a full bcrypt compare.
    const users = Array.from({ length: USERS }, (_, index) => `soak-${index}`);
    const hash = await bcrypt.hash(PASSWORD, 10);
    await writeFile(
      join(directory, 'users.htpasswd'),
      users.map((user) => `${user}:${hash}\n`).join(''),
    );
    const secret = randomBytes(24).toString('base64url');

    progress('starting the service');
    service = await startServiceProcess(config.databaseUri, {
      DATA_DIR: directory,
      USERS_FILE: join(directory, 'users.htpasswd'),
      NOTIFICATION_SECRETS: secret,
      LOG_LEVEL: 'error',
      // Warm means warm for the whole run: the default 60 s would expire mid-run.
      CREDENTIAL_CACHE_TTL_SECONDS: String(
        Math.min(3_600, config.warmupSeconds + config.seconds + 60),
      ),
    });
    await warmCredentials(service.httpPort, users);

    const channels = [0, 1].map(() => createChannel(`127.0.0.1:${service?.grpcPort}`));
    const [findClient, listClient] = channels.map((channel) =>
      createClient(ImagesAPIDefinition, channel),
    );
    const workloads = soakWorkloads({
      httpPort: service.httpPort,
      clients: { find: findClient as ImagesAPIClient, list: listClient as ImagesAPIClient },
      users,
      password: PASSWORD,
      notificationSecret: secret,
      envelopes,
      catalog,
      collection: repositoryCollection(connection),
      loadPercent: config.loadPercent,
    });
    const lag = new EventLoopLagProbe(`http://127.0.0.1:${service.httpPort}/metrics`);
    const memory = new ResidentMemorySampler(service.pid);
    const timers = [
      setTimeout(() => {
        void lag.reset();
        memory.start();
      }, config.warmupSeconds * 1000),
    ];
    const scraper = setInterval(() => void lag.scrape(), LAG_SCRAPE_MS);
    const bar = new SoakProgress(process.stderr, config.seconds);

    progress(`${config.warmupSeconds} s of warm-up, then ${config.seconds} s measured`);
    let tallies: Map<string, Tally>;
    try {
      tallies = await runOpenLoops(workloads, {
        warmupSeconds: config.warmupSeconds,
        seconds: config.seconds,
        deadlineMs: DEADLINE_MS,
        signal,
        onSecond: (elapsed, running) => bar.update(elapsed, running),
      });
    } finally {
      bar.done();
      timers.forEach(clearTimeout);
      clearInterval(scraper);
      channels.forEach((channel) => channel.close());
    }
    await lag.scrape();
    const rss = memory.stop();
    lag.close();

    const kinds = workloads.map((workload) =>
      kindResult(
        workload.name,
        workload.ratePerSecond,
        tallies.get(workload.name) as Tally,
        config.seconds,
      ),
    );
    const measured = {
      seconds: config.seconds,
      warmupSeconds: config.warmupSeconds,
      loadPercent: config.loadPercent,
      deadlineMs: DEADLINE_MS,
      machine: machine(),
      database,
      eventMix: SOAK_EVENT_MIX,
      kinds,
      rss,
      eventLoopLag: round(lag.result()),
      generatorLag: round(lag.generatorLag()),
    };
    const misses = soakMisses(measured);
    const errors = kinds.reduce((sum, kind) => sum + kind.timedOut + kind.failed, 0);
    return { ...measured, misses, errors };
  } finally {
    progress('stopping the service and dropping the database');
    await service?.stop();
    await connection.db?.dropDatabase();
    await connection.close();
    await rm(directory, { recursive: true, force: true });
  }
}

function kindResult(
  name: string,
  targetRate: number,
  tally: Tally,
  seconds: number,
): SoakKindResult {
  return {
    name,
    targetRate,
    achievedRate: Number((tally.ok / seconds).toFixed(1)),
    sent: tally.sent,
    ok: tally.ok,
    retried: tally.retried,
    timedOut: tally.timedOut,
    failed: tally.errors,
    ...(tally.firstError === undefined ? {} : { firstFailure: tally.firstError }),
    p50Ms: Number(tally.p(0.5).toFixed(2)),
    p99Ms: Number(tally.p(0.99).toFixed(2)),
  };
}

/** Every user's first login pays bcrypt; the soak measures the logins after it. */
async function warmCredentials(port: number, users: readonly string[]): Promise<void> {
  const agent = new Agent({ keepAlive: true });
  for (const user of users) {
    const answer = await call(agent, port, 'GET', '/auth?service=registry.docker.com', {
      authorization: basic(user, PASSWORD),
    });
    if (answer.status !== 200)
      throw new Error(`warming ${user} answered ${answer.status}: ${answer.body}`);
  }
  agent.destroy();
}

// FerretDB reports the MongoDB version it mimics; its own version is what matters for figures.
async function describeServer(
  connection: Awaited<ReturnType<typeof connectMongo>>,
): Promise<string> {
  const info = (await connection.db?.admin().command({ buildInfo: 1 })) ?? {};
  const ferretdb = info['ferretdbVersion'];
  return typeof ferretdb === 'string'
    ? `FerretDB ${ferretdb}`
    : `MongoDB ${String(info['version'])}`;
}

function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${availableParallelism()} CPUs (${model}), Node ${process.version}`;
}

function round<T extends object>(figures: T): T {
  const entries = Object.entries(figures).map(([key, value]: [string, unknown]) => [
    key,
    typeof value === 'number' ? Number(value.toFixed(2)) : value,
  ]);
  return Object.fromEntries(entries) as T;
}

function progress(message: string): void {
  process.stderr.write(`soak: ${message}\n`);
}

// Ctrl-C ends the run early and still stops the service and drops the database.
const interrupted = new AbortController();
process.once('SIGINT', () => interrupted.abort(new Error('interrupted')));

try {
  const config = loadSoakConfig(process.env);
  const result = await soak(config, interrupted.signal);
  await writeResults(config.resultsFile, result);
  process.stdout.write(`\n${renderSoakReport(result)}\nerrors: ${result.errors}\n`);
  if (result.misses.length > 0) process.exitCode = 1;
} catch (error) {
  process.stderr.write(`soak: ${error instanceof ConfigError ? error.message : String(error)}\n`);
  if (!(error instanceof ConfigError) && error instanceof Error)
    process.stderr.write(`${error.stack}\n`);
  process.exitCode = error instanceof ConfigError ? 2 : 1;
}
