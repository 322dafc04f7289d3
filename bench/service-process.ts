import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createChannel, createClient } from 'nice-grpc';

import { ImagesAPIDefinition, type ImagesAPIClient } from '../generated/images_api.js';
import { freePort, ServerProcess } from '../tests/support/processes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LOG_LINES_SHOWN = 5;

/** The built service in a process of its own, as it runs in production. */
export interface ServiceProcess {
  readonly grpcPort: number;
  readonly httpPort: number;
  /** The service's process id, for reading its memory from outside. */
  readonly pid: number;
  /** A client generated from protos/, talking to the service's gRPC port. */
  readonly client: ImagesAPIClient;
  stop(): Promise<void>;
}

/** Compiles the service into dist/, as `npm start` does. */
export async function buildService(): Promise<void> {
  await run('npm', ['run', 'build', '--silent']);
}

/**
 * Runs `node dist/src/cli.js start` (build it first) on free loopback ports, so that the load
 * generator and the server do not share an event loop. `env` adds to or overrides the defaults:
 * LOG_LEVEL=warn and a temporary DATA_DIR removed at stop.
 */
export async function startServiceProcess(
  mongodbUri: string,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  const scratch =
    env['DATA_DIR'] === undefined ? await mkdtemp(join(tmpdir(), 'bench-')) : undefined;
  const [grpcPort, httpPort] = [await freePort(), await freePort()];

  // HTTP starts after gRPC, so its port answering means both do.
  const server = new ServerProcess(
    'images service',
    process.execPath,
    [`${ROOT}dist/src/cli.js`, 'start'],
    httpPort,
    {
      ...process.env,
      LOG_LEVEL: 'warn',
      ...(scratch === undefined ? {} : { DATA_DIR: scratch }),
      ...env,
      MONGODB_URI: mongodbUri,
      GRPC_ADDR: `127.0.0.1:${grpcPort}`,
      HTTP_ADDR: `127.0.0.1:${httpPort}`,
    },
  );
  await server.start();

  const channel = createChannel(`127.0.0.1:${grpcPort}`);
  return {
    grpcPort,
    httpPort,
    pid: server.pid as number,
    client: createClient(ImagesAPIDefinition, channel),
    stop: async () => {
      channel.close();
      await server.stop();
      if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
      reportOutput(server.log);
    },
  };
}

// Only warnings and errors are logged: anything here deserves a look, the first few suffice.
function reportOutput(log: string): void {
  const lines = log.split('\n').filter((line) => line !== '');
  if (lines.length === 0) return;
  const shown = lines.slice(0, LOG_LINES_SHOWN).map((line) => line.slice(0, 400));
  process.stderr.write(`images service output (${lines.length} lines):\n${shown.join('\n')}\n`);
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
