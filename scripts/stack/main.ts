import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ConfigError } from '../../src/application/config/config-error.js';
import { chooseDatabase, describeDatabase } from './database-choice.js';
import {
  connectAddress,
  connectHost,
  listenAddress,
  listenPlaces,
  type ListenPlaces,
} from './listen-places.js';
import { assertPortFree } from './ports.js';
import { loopbackRegistryEnvironment, REGISTRY_CONFIG_FILE } from './registry-environment.js';
import { stackInstructions } from './stack-instructions.js';
import { StackProcess } from './stack-process.js';
import {
  grpcurlCommand,
  registryBinary,
  registryProcessEnvironment,
  startFerretDb,
} from './stack-servers.js';
import { stackUsers, usersEnvironment } from './stack-users.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const say = (line: string) => process.stdout.write(`stack: ${line}\n`);

/** Ctrl-C or SIGTERM, at any point: start-up stops where it is, and everything is undone. */
class StopRequested extends Error {}

/**
 * `npm run stack`: MongoDB (or FerretDB), the service and a Docker Registry configured from
 * deploy/registry/config.yml, all on loopback in one temporary directory, until Ctrl-C.
 * Returns the exit code: 0 after a requested stop, 1 when something failed, 2 for bad input.
 */
async function runStack(): Promise<number> {
  let signalled: (signal: NodeJS.Signals) => void = () => undefined;
  const stopRequest = new Promise<NodeJS.Signals>((resolve) => (signalled = resolve));
  // Kept installed after the first signal: a terminal's Ctrl-C often arrives twice (from the
  // terminal and forwarded by npm), and the second must not cut the clean-up short.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => signalled(signal));
  const untilStopped = <T>(step: Promise<T>): Promise<T> =>
    Promise.race([
      step,
      stopRequest.then((): never => {
        throw new StopRequested();
      }),
    ]);

  // npm and the service's relative paths (dist/, the build) are the repository's.
  process.chdir(ROOT);
  let places: ListenPlaces;
  try {
    places = listenPlaces(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    say(error.message);
    return 2;
  }

  const directory = await mkdtemp(join(tmpdir(), 'images-service-stack-'));
  const started: StackProcess[] = [];
  try {
    await startServers(places, directory, started, untilStopped);
    say('ready');
    return await runUntilStopped(stopRequest, started);
  } catch (error) {
    if (error instanceof StopRequested) {
      say('stopped during start-up');
      return 0;
    }
    say(`could not start: ${error instanceof Error ? error.message : String(error)}`);
    for (const child of started) {
      process.stdout.write(`--- last lines of ${child.name}'s log\n${await child.logTail()}\n`);
    }
    return 1;
  } finally {
    // The registry first, so that no push arrives while the service stops; the database last.
    for (const child of started.reverse()) await child.stop();
    await rm(directory, { recursive: true, force: true });
    say(`stopped; removed ${directory}`);
  }
}

/** Waits for a signal (exit code 0) or for a server to end by itself (exit code 1). */
async function runUntilStopped(
  stopRequest: Promise<NodeJS.Signals>,
  started: readonly StackProcess[],
): Promise<number> {
  const ending = await Promise.race([
    stopRequest.then((signal) => ({ signal })),
    ...started.map((child) => child.unexpectedExit().then((code) => ({ child, code }))),
  ]);
  if ('signal' in ending) {
    say(`${ending.signal}: stopping`);
    return 0;
  }

  say(`${ending.child.name} ended unexpectedly (${ending.code}):`);
  process.stdout.write(`${await ending.child.logTail()}\n`);
  return 1;
}

/**
 * Builds the service, then starts the database, the service and the registry in that order,
 * each once the one before listens, adding each to `started`; prints how to use them.
 */
async function startServers(
  places: ListenPlaces,
  directory: string,
  started: StackProcess[],
  untilStopped: <T>(step: Promise<T>) => Promise<T>,
): Promise<void> {
  const env = process.env;
  const path = (name: string) => join(directory, name);
  const log = (name: string) => join(directory, 'logs', `${name}.log`);
  for (const [variable, place] of Object.entries(places)) {
    await assertPortFree(place.host, place.port, variable);
  }
  await Promise.all(['service', 'registry', 'ferretdb', 'logs'].map((name) => mkdir(path(name))));

  say('building the service (npm run build)');
  const build = await StackProcess.spawn('build', 'npm', ['run', 'build', '--silent'], {
    env,
    logPath: log('build'),
  });
  started.push(build);
  const built = await untilStopped(build.ended());
  started.pop();
  if (built !== 0) throw new Error(`npm run build failed:\n${await build.logTail()}`);

  const database = await chooseDatabase(env);
  let mongodbUri = database.kind === 'configured' ? database.uri : undefined;
  if (database.kind === 'ferretdb') {
    const ferretdb = await startFerretDb(database.binary, path('ferretdb'), {
      env,
      logPath: log('ferretdb'),
    });
    started.push(ferretdb.process);
    await untilStopped(ferretdb.process.waitForPort('127.0.0.1', ferretdb.port));
    mongodbUri = ferretdb.uri;
  }
  say(`catalog database: ${describeDatabase(database, mongodbUri)}`);

  const users = await stackUsers(env, directory);
  const notificationSecret = randomBytes(24).toString('base64url');
  const httpUrl = `http://${connectAddress(places.HTTP_ADDR)}`;
  const realm = env['TOKEN_REALM'] || `${httpUrl}/auth`;
  const serviceEnv: NodeJS.ProcessEnv = {
    ...env,
    ...usersEnvironment(users, directory),
    DATA_DIR: path('service'),
    GRPC_ADDR: listenAddress(places.GRPC_ADDR),
    HTTP_ADDR: listenAddress(places.HTTP_ADDR),
    REGISTRY_URL: `http://${listenAddress(places.REGISTRY_URL)}`,
    TOKEN_REALM: realm,
    NOTIFICATION_SECRETS: notificationSecret,
  };
  if (mongodbUri !== undefined) serviceEnv['MONGODB_URI'] = mongodbUri;

  say('starting the images service');
  const service = await StackProcess.spawn('images service', 'node', ['dist/src/cli.js', 'start'], {
    env: serviceEnv,
    logPath: log('service'),
  });
  started.push(service);
  for (const place of [places.HTTP_ADDR, places.GRPC_ADDR]) {
    await untilStopped(service.waitForPort(connectHost(place), place.port));
  }

  // After the service: the registry reads the certificate the service made, once, at start.
  const registry = await registryBinary(env);
  const registryEnv = await loopbackRegistryEnvironment({
    version: registry.version,
    address: listenAddress(places.REGISTRY_URL),
    storageDirectory: path('registry'),
    realm,
    certificatePath: env['TOKEN_CERT_FILE'] || join(path('service'), 'token', 'signing-cert.pem'),
    notificationUrl: `${httpUrl}/event`,
    notificationSecret,
  });
  say(`starting registry ${registry.label}`);
  const registryProcess = await StackProcess.spawn(
    `registry ${registry.label}`,
    registry.binary,
    ['serve', REGISTRY_CONFIG_FILE],
    { env: registryProcessEnvironment(env, registryEnv), logPath: log('registry') },
  );
  started.push(registryProcess);
  await untilStopped(
    registryProcess.waitForPort(connectHost(places.REGISTRY_URL), places.REGISTRY_URL.port),
  );

  const instructions = stackInstructions(
    {
      registryHost: connectAddress(places.REGISTRY_URL),
      registryVersion: registry.label,
      grpcAddress: connectAddress(places.GRPC_ADDR),
      httpUrl,
      database: describeDatabase(database, mongodbUri),
      logDirectory: join(directory, 'logs'),
    },
    users,
    await grpcurlCommand(env),
  );
  process.stdout.write(`\n${instructions}\n\n`);
}

process.exit(await runStack());
