import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { freePort } from '../support/processes.js';
import { isolatedDatabaseUri } from '../support/mongodb.js';

const ROOT = new URL('../../', import.meta.url).pathname;
// The service writes its generated key and secret here rather than into the repository.
const DATA_DIR = mkdtempSync(join(tmpdir(), 'npm-start-'));

afterAll(() => rmSync(DATA_DIR, { recursive: true, force: true }));

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command in the project root; `until` sends SIGTERM once stdout matches it. */
async function runCommand(
  command: string,
  args: string[],
  env: Record<string, string>,
  until?: RegExp,
): Promise<Finished> {
  // A process group of its own, so that the signal reaches npm's children too.
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR, ...env },
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (signalled || until === undefined || !until.test(stdout)) return;
    signalled = true;
    process.kill(-(child.pid as number), 'SIGTERM');
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('npm start', () => {
  it('builds and starts the service in production mode and says where it listens', async () => {
    const [grpcPort, httpPort] = [await freePort(), await freePort()];

    const result = await runCommand(
      'npm',
      ['start', '--silent'],
      {
        NODE_ENV: 'production',
        MONGODB_URI: isolatedDatabaseUri('start'),
        GRPC_ADDR: `127.0.0.1:${grpcPort}`,
        HTTP_ADDR: `127.0.0.1:${httpPort}`,
      },
      /images service listening/,
    );

    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'images service listening',
        grpc: `127.0.0.1:${grpcPort}`,
        http: `127.0.0.1:${httpPort}`,
      }),
    );
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops cleanly with exit code 0 on %s',
    async (signal) => {
      const child = spawn('node', ['dist/src/cli.js'], {
        cwd: ROOT,
        env: {
          ...process.env,
          DATA_DIR,
          MONGODB_URI: isolatedDatabaseUri('signal'),
          GRPC_ADDR: '127.0.0.1:0',
          HTTP_ADDR: '127.0.0.1:0',
        },
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        const listening = !stdout.includes('images service listening');
        stdout += chunk.toString();
        // One signal only: a second one during the graceful stop means "exit now".
        if (listening && stdout.includes('images service listening')) child.kill(signal);
      });

      const [code] = (await once(child, 'exit')) as [number | null];

      expect(code).toBe(0);
      expect(stdout).toContain('"msg":"images service stopped"');
    },
  );

  it('refuses to start on an invalid variable, naming it and its value', async () => {
    const result = await runCommand('node', ['dist/src/cli.js'], { GRPC_ADDR: 'everywhere' });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'images-service: invalid configuration: GRPC_ADDR="everywhere": expected host:port',
    );
  });

  it('exits 1 with a fatal log line when the database cannot be reached', async () => {
    const port = await freePort();

    const result = await runCommand('node', ['dist/src/cli.js'], {
      MONGODB_URI: `mongodb://admin:s3cret@127.0.0.1:${port}/images`,
      MONGODB_TIMEOUT_MS: '500',
    });

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('images service failed to start');
    expect(result.stdout).toContain(
      `cannot reach MongoDB at mongodb://admin:***@127.0.0.1:${port}/images`,
    );
    expect(result.stdout).not.toContain('s3cret');
  });

  it('rejects an unknown command with the usage', async () => {
    const result = await runCommand('node', ['dist/src/cli.js', 'frobnicate'], {});

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
    expect(result.stderr).toContain('usage: images-service');
  });
});
