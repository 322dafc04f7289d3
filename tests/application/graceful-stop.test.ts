import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, get } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { buildService } from '../../bench/service-process.js';
import { Image, ResponseWithImage } from '../../generated/images_api.js';
import { EXIT_STOP_FORCED } from '../../src/main.js';
import { seedCatalog, tagPush } from '../support/catalog-seed.js';
import { eventually } from '../support/eventually.js';
import {
  acceptsConnections,
  halfSentGrpcCall,
  halfSentHttpPost,
} from '../support/half-sent-requests.js';
import { isolatedDatabaseUri } from '../support/mongodb.js';
import { freePort, ServerProcess } from '../support/processes.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SECRET = 'graceful-stop-secret-0123456789';
const ENVELOPE = JSON.parse(
  readFileSync(new URL('../fixtures/registry-events/registry-3-tag-push.json', import.meta.url), {
    encoding: 'utf8',
  }),
) as { contentType: string; body: unknown };

interface RunningProcess {
  readonly server: ServerProcess;
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly mongodbUri: string;
  /** The JSON lines the service logged so far. */
  lines(): Array<Record<string, unknown>>;
}

const started: Array<{ server: ServerProcess; dataDir: string }> = [];

/** `node dist/src/cli.js start`, as production runs it, logging at info. */
async function startService(env: Record<string, string> = {}): Promise<RunningProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'graceful-stop-'));
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const mongodbUri = isolatedDatabaseUri('graceful_stop');
  const server = new ServerProcess(
    'images service',
    process.execPath,
    [`${ROOT}dist/src/cli.js`, 'start'],
    httpPort,
    {
      ...process.env,
      DATA_DIR: dataDir,
      MONGODB_URI: mongodbUri,
      GRPC_ADDR: `127.0.0.1:${grpcPort}`,
      HTTP_ADDR: `127.0.0.1:${httpPort}`,
      REGISTRY_URL: 'http://127.0.0.1:9',
      NOTIFICATION_SECRETS: SECRET,
      LOG_LEVEL: 'info',
      ...env,
    },
  );
  started.push({ server, dataDir });
  await server.start();

  const lines = () =>
    server.log
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { server, grpcPort, httpPort, mongodbUri, lines };
}

/** Tracks whether the process has exited yet, without waiting for it. */
function exitOf(ending: Promise<number | NodeJS.Signals>) {
  let code: number | NodeJS.Signals | undefined;
  void ending.then((value) => (code = value));
  return { ending, hasExited: () => code !== undefined };
}

const eventPost = (service: RunningProcess) =>
  halfSentHttpPost(
    `http://127.0.0.1:${service.httpPort}/event`,
    { authorization: `Bearer ${SECRET}`, 'content-type': ENVELOPE.contentType },
    JSON.stringify(ENVELOPE.body),
  );

describe('stopping the service process', () => {
  beforeAll(async () => {
    await buildService();
  });

  afterEach(async () => {
    for (const { server, dataDir } of started.splice(0)) {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('on SIGTERM refuses new connections, answers the calls in flight and exits 0', async () => {
    const service = await startService();
    await seedCatalog(service.mongodbUri, [tagPush('alice/app', 'v1')]);
    const find = await halfSentGrpcCall(
      service.grpcPort,
      '/ImagesAPI/Find',
      Image.encode({ ...Image.fromPartial({}), name: 'alice/app:v1' }).finish(),
    );
    const event = await eventPost(service);

    const exit = exitOf(service.server.signal('SIGTERM'));

    await eventually(async () => {
      expect(await acceptsConnections(service.grpcPort)).toBe(false);
      expect(await acceptsConnections(service.httpPort)).toBe(false);
    });
    // Still running: the two requests hold the stop until they are answered.
    expect(exit.hasExited()).toBe(false);

    const found = await find.finish();
    expect(found.grpcStatus).toBe('0');
    expect(ResponseWithImage.decode(found.message)).toMatchObject({
      status: { code: 200, message: 'Image with the specified name was found.' },
      image: { name: 'alice/app', tags: ['v1'] },
    });

    // The envelope is read and stored after the signal: its write finishes before the database
    // closes.
    const ingested = await event.finish();
    expect(ingested.status).toBe(200);
    expect(JSON.parse(ingested.body)).toMatchObject({ received: 1, applied: 1 });

    expect(await exit.ending).toBe(0);
    expect(service.lines()).toContainEqual(
      expect.objectContaining({ msg: 'stopping', signal: 'SIGTERM', timeoutMs: 10_000 }),
    );
    expect(service.lines()).toContainEqual(
      expect.objectContaining({ msg: 'images service stopped', outcome: 'drained' }),
    );
  });

  it('stops the same way on SIGINT, connections that serve no request notwithstanding', async () => {
    const service = await startService();
    // What load balancers leave open: a connection never used, and a kept-alive one.
    const unused = connect(service.httpPort, '127.0.0.1');
    unused.on('error', () => undefined);
    const keptAlive = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) =>
      get(`http://127.0.0.1:${service.httpPort}/healthz`, { agent: keptAlive }, (response) =>
        response.resume().on('end', resolve),
      ).on('error', reject),
    );

    // Either would hold the stop until SHUTDOWN_TIMEOUT, and the exit code would be 3.
    const code = await service.server.signal('SIGINT');
    unused.destroy();
    keptAlive.destroy();

    expect(code).toBe(0);
    expect(service.lines()).toContainEqual(
      expect.objectContaining({ msg: 'stopping', signal: 'SIGINT' }),
    );
    expect(service.lines()).toContainEqual(
      expect.objectContaining({ msg: 'images service stopped', outcome: 'drained' }),
    );
  });

  it(`cuts off what is still in flight after SHUTDOWN_TIMEOUT and exits ${EXIT_STOP_FORCED}`, async () => {
    const service = await startService({ SHUTDOWN_TIMEOUT: '1s' });
    const find = await halfSentGrpcCall(
      service.grpcPort,
      '/ImagesAPI/Find',
      Image.encode({ ...Image.fromPartial({}), name: 'alice/app:v1' }).finish(),
    );
    const event = await eventPost(service);

    // Neither request is ever finished: only the timeout can end the stop.
    const code = await service.server.signal('SIGTERM');

    expect(code).toBe(EXIT_STOP_FORCED);
    expect(await event.dropped).toMatch(/socket hang up|ECONNRESET/);
    expect(await find.dropped).not.toBe('answered with grpc-status 0');
    expect(service.lines()).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: 'calls still in flight after SHUTDOWN_TIMEOUT were cut off',
        timeoutMs: 1000,
      }),
    );
  });
});
