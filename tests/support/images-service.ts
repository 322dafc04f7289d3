import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createChannel, createClient, type Channel } from 'nice-grpc';

import { ImagesAPIDefinition, type ImagesAPIClient } from '../../generated/images_api.js';
import { loadServiceConfig } from '../../src/application/config/service-config.js';
import {
  startImagesService,
  type RunningImagesService,
} from '../../src/application/images-service.js';
import { createLogger } from '../../src/application/logger.js';
import { LogCapture } from './log-capture.js';
import { assertNoSecretLeaks, environmentSecrets } from './log-secrets.js';
import { isolatedDatabaseUri } from './mongodb.js';

export interface ServiceUnderTest {
  readonly service: RunningImagesService;
  /** A client generated from protos/, as FogCore's clients are. */
  readonly client: ImagesAPIClient;
  readonly httpUrl: string;
  readonly mongodbUri: string;
  readonly logs: LogCapture;
  stop(): Promise<void>;
}

/**
 * Runs the whole service in this process on free loopback ports, configured through the same
 * environment variables as in production; `env` overrides the defaults below.
 *
 * `stop` fails the test when the log holds a secret: one of `knownSecrets` (the passwords the
 * test uses), a notification secret, or anything shaped like a token or credentials.
 */
export async function startServiceUnderTest(
  env: Record<string, string> = {},
  options: { readonly knownSecrets?: readonly string[] } = {},
): Promise<ServiceUnderTest> {
  const mongodbUri = env['MONGODB_URI'] ?? isolatedDatabaseUri('service');
  // The generated key and secret go to a directory of the test's own, not the repository.
  const scratch =
    env['DATA_DIR'] === undefined ? await mkdtemp(join(tmpdir(), 'service-')) : undefined;
  const config = loadServiceConfig({
    ...(scratch === undefined ? {} : { DATA_DIR: scratch }),
    GRPC_ADDR: '127.0.0.1:0',
    HTTP_ADDR: '127.0.0.1:0',
    LOG_LEVEL: 'debug',
    MONGODB_TIMEOUT_MS: '1500',
    ...env,
    MONGODB_URI: mongodbUri,
  });

  const logs = new LogCapture();
  const service = await startImagesService(config, createLogger(config.logLevel, logs.stream));
  const channel: Channel = createChannel(`127.0.0.1:${service.grpcPort}`);

  return {
    service,
    client: createClient(ImagesAPIDefinition, channel),
    httpUrl: `http://127.0.0.1:${service.httpPort}`,
    mongodbUri,
    logs,
    stop: async () => {
      channel.close();
      await service.stop();
      const secrets = await environmentSecrets({ ...env, DATA_DIR: scratch ?? config.dataDir });
      if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
      assertNoSecretLeaks('the service', logs.raw, [...secrets, ...(options.knownSecrets ?? [])]);
    },
  };
}
