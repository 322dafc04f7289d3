import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort, ServerProcess } from '../tests/support/processes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The built service in a process of its own, reached on its HTTP port. */
export interface EventService {
  /** `http://127.0.0.1:<port>/event`. */
  readonly eventUrl: string;
  stop(): Promise<void>;
}

/**
 * Runs `node dist/src/cli.js start` (build it first) on free loopback ports with `secret` as
 * its notification secret, so the load generator and the server do not share an event loop.
 */
export async function startEventService(mongodbUri: string, secret: string): Promise<EventService> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-events-'));
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const server = new ServerProcess(
    'images service',
    process.execPath,
    [`${ROOT}dist/src/cli.js`, 'start'],
    httpPort,
    {
      ...process.env,
      MONGODB_URI: mongodbUri,
      GRPC_ADDR: `127.0.0.1:${grpcPort}`,
      HTTP_ADDR: `127.0.0.1:${httpPort}`,
      NOTIFICATION_SECRETS: secret,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
    },
  );
  await server.start();

  return {
    eventUrl: `http://127.0.0.1:${httpPort}/event`,
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
      // Errors only (LOG_LEVEL=error): anything here deserves a look, the first few suffice.
      const lines = server.log.split('\n').filter((line) => line !== '');
      if (lines.length === 0) return;
      const shown = lines.slice(0, 3).map((line) => line.slice(0, 400));
      process.stderr.write(`images service output (${lines.length} lines):\n${shown.join('\n')}\n`);
    },
  };
}
