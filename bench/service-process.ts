import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { createChannel, createClient, type Channel } from 'nice-grpc';

import { ImagesAPIDefinition, type ImagesAPIClient } from '../generated/images_api.js';
import { freePort, ServerProcess } from '../tests/support/processes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The service in a process of its own, and a client generated from protos/ talking to it. */
export interface BenchService {
  readonly client: ImagesAPIClient;
  stop(): Promise<void>;
}

/** Compiles the service into dist/, as `npm start` does. */
export async function buildService(): Promise<void> {
  await run('npm', ['run', 'build', '--silent']);
}

/**
 * Runs the built service, `node dist/src/cli.js`, on free loopback ports. A child process keeps
 * the server off the load generator's event loop, as it would be in production.
 */
export async function startBenchService(mongodbUri: string): Promise<BenchService> {
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const server = new ServerProcess(
    'images service',
    process.execPath,
    [`${ROOT}dist/src/cli.js`, 'start'],
    grpcPort,
    {
      ...process.env,
      MONGODB_URI: mongodbUri,
      GRPC_ADDR: `127.0.0.1:${grpcPort}`,
      HTTP_ADDR: `127.0.0.1:${httpPort}`,
      LOG_LEVEL: 'warn',
    },
  );
  await server.start();

  const channel: Channel = createChannel(`127.0.0.1:${grpcPort}`);
  return {
    client: createClient(ImagesAPIDefinition, channel),
    stop: async () => {
      channel.close();
      await server.stop();
      // Warnings and errors only (LOG_LEVEL=warn): anything here deserves a look.
      if (server.log !== '') process.stderr.write(`images service output:\n${server.log}\n`);
    },
  };
}

async function run(command: string, args: readonly string[]): Promise<void> {
  // Its output goes to stderr: stdout carries only the report.
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 2, 2] });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`"${command} ${args.join(' ')}" exited with code ${code}`);
}
