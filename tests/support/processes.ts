import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port that was free a moment ago, for servers that cannot bind port 0 themselves. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
    }).catch(() => false);
    if (open) return;
    await sleep(50);
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** A server process started for a test, with its output kept for failure messages. */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: readonly string[],
    private readonly port: number,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get log(): string {
    return this.output;
  }

  /** The running process's id; undefined before start and after it stopped. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const child = spawn(this.command, this.args, {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));

    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) =>
        reject(
          new Error(`${this.name} exited with code ${code} before listening:\n${this.output}`),
        ),
      ),
    );
    await Promise.race([waitForPort(this.port), exited]);
  }

  /**
   * Kills the process with SIGKILL, as a crash or the OOM killer would: no shutdown code runs,
   * whatever it had in flight is lost. Waits for it to exit; `start` may run it again.
   */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;

    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /**
   * Sends `signal` and leaves the process to end on its own, as a supervisor does: resolves with
   * its exit code, or the signal that ended it. stop() still ends it for good afterwards.
   */
  signal(signal: NodeJS.Signals): Promise<number | NodeJS.Signals> {
    const child = this.child;
    if (child === undefined) return Promise.reject(new Error(`${this.name} is not running`));
    if (child.exitCode !== null || child.signalCode !== null) {
      return Promise.resolve(child.exitCode ?? (child.signalCode as NodeJS.Signals));
    }

    const ended = new Promise<number | NodeJS.Signals>((resolve) =>
      child.once('exit', (code, by) => resolve(code ?? (by as NodeJS.Signals))),
    );
    child.kill(signal);
    return ended;
  }

  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;

    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The path of a tool the tests need: the variable when set, else the name for PATH lookup. */
export function toolPath(variable: string, fallback: string): string {
  const configured = process.env[variable];
  return configured !== undefined && configured !== '' ? configured : fallback;
}
