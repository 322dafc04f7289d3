/**
 * `npm run bench:auth`: how fast the token endpoint answers docker's GET /auth.
 *
 * Starts the built service as a child process with an htpasswd file of BENCH_AUTH_USERS users
 * (bcrypt cost 10) and measures over loopback HTTP: an empty Fastify route of the same server
 * (`/healthz`) as the ceiling, GET /auth with credentials the cache already verified (peak and
 * p50/p99 with BENCH_CONCURRENCY requests in flight), the same at half that peak on a fixed
 * schedule, and GET /auth with a new user each call, so that every request pays bcrypt.
 *
 * Prints a Markdown table to stdout (progress to stderr). Needs MONGODB_URI: the service opens
 * its catalog at start. Exits 0 even when a target is missed; non-zero when calls failed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import bcrypt from 'bcryptjs';

import { connectMongo } from '../src/adapters/mongo/mongo-connection.js';
import { ConfigError } from '../src/application/config/config-error.js';
import { EnvReader } from '../src/application/config/env-reader.js';
import { machine, renderAuthReport } from './auth-report.js';
import { call } from './http-call.js';
import { closedLoop, openLoop, type Measurement, type Operation } from './load-runs.js';
import { resultsPath, writeResults } from './results-file.js';
import { buildService, startServiceProcess } from './service-process.js';

const PASSWORD = 'bench-password';
const SERVICE = 'registry.docker.com';
const OPEN_LOOP_CONNECTIONS = 128;

interface AuthBenchConfig {
  readonly mongodbUri: string;
  readonly users: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
}

function loadConfig(env: Readonly<Record<string, string | undefined>>): AuthBenchConfig {
  const reader = new EnvReader(env);
  const server = reader.optionalString('MONGODB_URI');
  let mongodbUri = '';
  if (server === undefined || !URL.canParse(server)) {
    reader.reject(
      'MONGODB_URI',
      server ?? '',
      'required: a mongodb:// URI the service can open',
      '',
    );
  } else {
    const url = new URL(server);
    url.pathname = `/bench_auth_${randomBytes(4).toString('hex')}`;
    mongodbUri = url.toString();
  }

  const config = {
    mongodbUri,
    users: reader.integer('BENCH_AUTH_USERS', 5_000, { min: 10, max: 1_000_000 }),
    concurrency: reader.integer('BENCH_CONCURRENCY', 16, { min: 1, max: 1_024 }),
    seconds: reader.integer('BENCH_SECONDS', 10, { min: 1, max: 3_600 }),
    warmupSeconds: reader.integer('BENCH_WARMUP_SECONDS', 2, { min: 0, max: 600 }),
  };
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return config;
}

/** GET `path` on a keep-alive connection; rejects unless the answer is 200. */
function getter(port: number, concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  return async (path: string, authorization?: string): Promise<void> => {
    const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
    const answer = await call(agent, port, 'GET', path, headers);
    if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`);
  };
}

function basic(username: string): string {
  return `Basic ${Buffer.from(`${username}:${PASSWORD}`).toString('base64')}`;
}

async function benchmark(config: AuthBenchConfig, signal: AbortSignal): Promise<number> {
  progress('building the service');
  await buildService();

  const directory = await mkdtemp(join(tmpdir(), 'bench-auth-'));
  // One hash for every user: each user is still a cache miss that pays a full bcrypt compare.
  const hash = await bcrypt.hash(PASSWORD, 10);
  const lines = Array.from({ length: config.users }, (_, index) => `user${index}:${hash}`);
  await writeFile(join(directory, 'users.htpasswd'), `${lines.join('\n')}\n`);

  progress('starting the service');
  const service = await startServiceProcess(config.mongodbUri, {
    DATA_DIR: directory,
    USERS_FILE: join(directory, 'users.htpasswd'),
  });
  const { httpPort } = service;
  try {
    const get = getter(httpPort, config.concurrency);
    const failures: string[] = [];
    const run = async (name: string, call: Operation): Promise<Measurement> => {
      const load = { concurrency: config.concurrency, signal };
      progress(`${name}: closed loop, ${config.concurrency} in flight`);
      await closedLoop(call, { ...load, seconds: config.warmupSeconds });
      return record(failures, name, await closedLoop(call, { ...load, seconds: config.seconds }));
    };

    const emptyRoute = await run('empty route', () => get('/healthz'));

    const warmPath = `/auth?service=${SERVICE}&scope=repository:user0/app:pull,push`;
    const warmCall = () => get(warmPath, basic('user0'));
    const warm = await run('token, cache warm', warmCall);

    // A new repository each call: credentials still cached, but every token is signed anew.
    let repository = 0;
    const distinct = await run('token, cache warm, a new scope each call', () => {
      repository += 1;
      return get(
        `/auth?service=${SERVICE}&scope=repository:user0/app${repository}:pull`,
        basic('user0'),
      );
    });

    const halfPeakRate = warm.opsPerSecond / 2;
    progress(`token, cache warm: open loop, ${halfPeakRate.toFixed(0)} calls/s`);
    // Calls leave in bursts when the sender falls behind: enough connections that none waits
    // in the client for a free one, which would count the client's queue as the server's time.
    const openGet = getter(httpPort, OPEN_LOOP_CONNECTIONS);
    const halfPeak = record(
      failures,
      'token at half peak',
      await openLoop(() => openGet(warmPath, basic('user0')), {
        ratePerSecond: halfPeakRate,
        seconds: config.seconds,
        signal,
      }),
    );

    // Users 1 and up were never seen: each call verifies a password from scratch.
    let next = 1;
    const coldCall = () => {
      const user = `user${next}`;
      next = next + 1 < config.users ? next + 1 : 1;
      return get(`/auth?service=${SERVICE}&scope=repository:${user}/app:pull`, basic(user));
    };
    progress(`token, cache miss: closed loop, ${config.concurrency} in flight`);
    const cold = record(
      failures,
      'token, cache miss',
      await closedLoop(coldCall, {
        concurrency: config.concurrency,
        seconds: config.seconds,
        signal,
      }),
    );
    if (cold.calls >= config.users - 1) {
      failures.push(`cold run reused users: raise BENCH_AUTH_USERS above ${cold.calls}`);
    }

    const { concurrency, seconds } = config;
    const result = {
      concurrency,
      seconds,
      emptyRoute,
      warm,
      distinct,
      halfPeak,
      halfPeakRate,
      cold,
    };
    await writeResults(resultsPath('bench-auth'), { ...result, machine: machine() });
    process.stdout.write(`\n${renderAuthReport(result)}`);
    for (const failure of failures) process.stderr.write(`failed: ${failure}\n`);
    return failures.length;
  } finally {
    progress('stopping the service');
    await service.stop();
    await rm(directory, { recursive: true, force: true });
    // The service made its catalog's indexes there; nothing else of the run is kept.
    const connection = await connectMongo(config.mongodbUri, { serverSelectionTimeoutMs: 5_000 });
    await connection.db?.dropDatabase();
    await connection.close();
  }
}

function record(failures: string[], run: string, measured: Measurement): Measurement {
  if (measured.failed > 0)
    failures.push(`${run}: ${measured.failed} calls failed, first: ${measured.firstFailure}`);
  return measured;
}

function progress(message: string): void {
  process.stderr.write(`bench:auth: ${message}\n`);
}

const interrupted = new AbortController();
process.once('SIGINT', () => interrupted.abort(new Error('interrupted')));

try {
  const failed = await benchmark(loadConfig(process.env), interrupted.signal);
  if (failed > 0) process.exitCode = 1;
} catch (error) {
  process.stderr.write(`bench:auth: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = error instanceof ConfigError ? 2 : 1;
}
