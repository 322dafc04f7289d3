import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createChannel, createClient, type Channel } from 'nice-grpc';

import { ImagesAPIDefinition, type ImagesAPIClient } from '../../generated/images_api.js';
import { assertNoSecretLeaks, environmentSecrets } from './log-secrets.js';
import { freePort, ServerProcess } from './processes.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** The service in an operating-system process of its own, as each replica runs in production. */
export interface ServiceReplica {
  readonly client: ImagesAPIClient;
  readonly httpUrl: string;
  /** What the process wrote to stdout and stderr so far: its JSON log lines. */
  readonly log: () => string;
  /** SIGTERM, as a supervisor stops a replica; resolves with the exit code. */
  terminate(): Promise<number | NodeJS.Signals>;
  /** Stops it for good and removes its data directory; fails when its log holds a secret. */
  dispose(): Promise<void>;
}

/**
 * Starts `images-service start` from the sources (tsx), on free loopback ports, with a data
 * directory of its own; `env` adds the rest of its configuration, MONGODB_URI included.
 */
export async function startServiceReplica(env: Record<string, string>): Promise<ServiceReplica> {
  const dataDir = await mkdtemp(join(tmpdir(), 'replica-'));
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const server = new ServerProcess(
    'images service replica',
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'start'],
    // HTTP listens after gRPC: once it answers, both do.
    httpPort,
    {
      ...process.env,
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      ...env,
      GRPC_ADDR: `127.0.0.1:${grpcPort}`,
      HTTP_ADDR: `127.0.0.1:${httpPort}`,
    },
  );
  await server.start();
  const channel: Channel = createChannel(`127.0.0.1:${grpcPort}`);

  return {
    client: createClient(ImagesAPIDefinition, channel),
    httpUrl: `http://127.0.0.1:${httpPort}`,
    log: () => server.log,
    terminate: () => server.signal('SIGTERM'),
    dispose: async () => {
      channel.close();
      await server.stop();
      const secrets = await environmentSecrets({ ...env, DATA_DIR: dataDir });
      await rm(dataDir, { recursive: true, force: true });
      assertNoSecretLeaks('the service replica', server.log.split('\n'), secrets);
    },
  };
}
