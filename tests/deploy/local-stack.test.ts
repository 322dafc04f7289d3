import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

import { createChannel, createClient, type Channel } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ImagesAPIDefinition, type ImagesAPIClient } from '../../generated/images_api.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/processes.js';
import { pushTestImage } from '../support/skopeo.js';

const ROOT = new URL('../../', import.meta.url).pathname;
// The stack builds the service first, on a machine shared with other test files.
const START_TIMEOUT_MS = 240_000;

/** Every process below `pid`, read from /proc while they run. */
async function descendants(pid: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The command name may hold spaces and parentheses: the parent id follows its last ")".
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }

  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Runs one command line the stack printed, as a user would paste it into bash. */
function runPrinted(line: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('bash', ['-c', line], (error, stdout, stderr) =>
      error === null ? resolve(stdout) : reject(new Error(`${line}\n${stderr}`)),
    ),
  );
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run stack', () => {
  let stack: ChildProcess;
  let output = '';
  let ports: { registry: number; http: number; grpc: number };
  let channel: Channel;
  let client: ImagesAPIClient;

  beforeAll(async () => {
    ports = { registry: await freePort(), http: await freePort(), grpc: await freePort() };
    // Without MONGODB_URI the stack picks its own database, as on a newcomer's machine.
    const { MONGODB_URI: _shared, ...env } = process.env;
    // A process group of its own, so that the test can send SIGINT to all of it, as a
    // terminal does on Ctrl-C.
    stack = spawn('npm', ['run', 'stack', '--silent'], {
      cwd: ROOT,
      detached: true,
      env: {
        ...env,
        REGISTRY_URL: `http://127.0.0.1:${ports.registry}`,
        HTTP_ADDR: `127.0.0.1:${ports.http}`,
        GRPC_ADDR: `127.0.0.1:${ports.grpc}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stack.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    stack.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    await eventually(
      async () => {
        if (stack.exitCode !== null) throw new Error(`the stack ended early:\n${output}`);
        expect(output).toMatch(/^stack: ready$/m);
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 250 },
    ).catch((error: unknown) => {
      throw new Error(`no ready line: ${String(error)}\n${output}`);
    });

    channel = createChannel(`127.0.0.1:${ports.grpc}`);
    client = createClient(ImagesAPIDefinition, channel);
  }, START_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    channel?.close();
    // After a failure before the Ctrl-C test: the stack's own stop, so its servers go too.
    if (stack?.exitCode === null) {
      const group = -(stack.pid as number);
      process.kill(group, 'SIGINT');
      const timer = setTimeout(() => process.kill(group, 'SIGKILL'), 30_000);
      await once(stack, 'exit');
      clearTimeout(timer);
    }
  });

  it('says which database it runs and prints the commands for its own addresses', () => {
    expect(output).toMatch(/^stack: catalog database: (FerretDB on mongodb:|the embedded)/m);
    expect(output).toContain(`registry v3.1.1: http://127.0.0.1:${ports.registry}`);
    expect(output).toContain(`docker login localhost:${ports.registry} -u demo`);
    expect(output).toContain(`127.0.0.1:${ports.grpc} ImagesAPI/Find`);
  });

  it('takes a push with the printed credentials and shows the image through gRPC Find', async () => {
    const [, username, password] = /^user: (\S+) {2}password: (\S+)/m.exec(output) ?? [];
    expect(username).toBe('demo');

    await pushTestImage(
      `127.0.0.1:${ports.registry}/demo/hello:latest`,
      { content: 'local stack' },
      { creds: { username: username as string, password: password as string } },
    );

    await eventually(async () => {
      const found = await client.find({ name: 'demo/hello:latest' });
      expect(found.status).toMatchObject({ code: 200 });
      expect(found.image).toMatchObject({ name: 'demo/hello', tags: ['latest'] });
    });
  });

  it('prints grpcurl commands for List and Find that answer with the pushed image', async () => {
    const [list, find] = output
      .split('\n')
      .filter((line) => / ImagesAPI\/(List|Find)$/.test(line))
      .map((line) => line.trim());

    const listed = JSON.parse(await runPrinted(list as string)) as unknown;
    const found = JSON.parse(await runPrinted(find as string)) as unknown;

    expect(listed).toMatchObject({
      status: { code: 200 },
      images: [{ username: 'demo', list: [{ name: 'demo/hello', tags: ['latest'] }] }],
    });
    expect(found).toMatchObject({
      status: { code: 200, message: 'Image with the specified name was found.' },
      image: { name: 'demo/hello' },
    });
  });

  it('stops every process it started on Ctrl-C, removes its files and exits 0', async () => {
    const processes = await descendants(stack.pid as number);
    const directory = /^logs: (\S+)\/logs$/m.exec(output)?.[1] as string;
    expect(processes.length).toBeGreaterThanOrEqual(4);
    expect(existsSync(directory)).toBe(true);

    process.kill(-(stack.pid as number), 'SIGINT');
    const [code] = (await once(stack, 'exit')) as [number | null];

    expect({ code, output: output.split('stack: ready')[1] }).toMatchObject({
      code: 0,
      output: expect.stringMatching(/stack: SIGINT: stopping\nstack: stopped; removed /),
    });
    // tsx's esbuild helper ends when it sees its parent gone: give it a moment.
    await eventually(async () => expect(processes.filter(isRunning)).toEqual([]));
    expect(existsSync(directory)).toBe(false);
  });
});

/** Runs scripts/stack.sh to its end with `env` over the test's environment. */
async function runStackScript(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn('scripts/stack.sh', [], { cwd: ROOT, env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

describe('npm run stack refusing to start', () => {
  it('exits 2 naming a listen variable that is not host:port, before building anything', async () => {
    const result = await runStackScript({ GRPC_ADDR: 'localhost', HTTP_ADDR: '127.0.0.1:99999' });

    expect(result.code).toBe(2);
    expect(result.output).toContain('GRPC_ADDR="localhost"');
    expect(result.output).toContain('HTTP_ADDR="127.0.0.1:99999"');
    expect(result.output).not.toContain('building');
  });

  it('exits 1 naming the variable whose port is taken, and leaves no directory behind', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as { port: number }).port;

    try {
      const result = await runStackScript({
        REGISTRY_URL: `http://127.0.0.1:${port}`,
        HTTP_ADDR: `127.0.0.1:${await freePort()}`,
        GRPC_ADDR: `127.0.0.1:${await freePort()}`,
      });

      expect(result.code).toBe(1);
      expect(result.output).toContain(
        `127.0.0.1:${port} (from REGISTRY_URL) cannot be used: EADDRINUSE`,
      );
      const directory = /stopped; removed (\S+)/.exec(result.output)?.[1] as string;
      expect(existsSync(directory)).toBe(false);
    } finally {
      squatter.close();
    }
  });
});
