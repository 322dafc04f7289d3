import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { open, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const STOP_GRACE_MS = 15_000;

/**
 * One server of the stack, its output in a log file. It runs in a process group of its own:
 * Ctrl-C reaches the whole terminal group at once, and the stack must stop its servers in
 * order (registry, service, database) instead.
 */
export class StackProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | string>;
  private stopping = false;

  private constructor(
    readonly name: string,
    child: ChildProcess,
    readonly logPath: string,
  ) {
    this.child = child;
    this.exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  }

  static async spawn(
    name: string,
    command: string,
    args: readonly string[],
    options: { readonly env: NodeJS.ProcessEnv; readonly logPath: string },
  ): Promise<StackProcess> {
    const log = await open(options.logPath, 'a');
    try {
      const child = spawn(command, args, {
        env: options.env,
        detached: true,
        stdio: ['ignore', log.fd, log.fd],
      });
      await once(child, 'spawn');
      return new StackProcess(name, child, options.logPath);
    } finally {
      await log.close();
    }
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Resolves with the exit code (or signal) whenever the process ends. */
  ended(): Promise<number | string> {
    return this.exited;
  }

  /** Resolves with the exit code (or signal) when the process ends without being stopped. */
  async unexpectedExit(): Promise<number | string> {
    const ending = await this.exited;
    if (this.stopping) return new Promise(() => undefined);
    return ending;
  }

  /** Resolves once something accepts connections on the port; rejects if the process ends. */
  async waitForPort(host: string, port: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const ended = this.exited.then((ending) => {
      throw new Error(`${this.name} ended (${ending}) before listening on ${host}:${port}`);
    });
    ended.catch(() => undefined);

    while (Date.now() < deadline) {
      const open = await Promise.race([portOpen(host, port), ended]);
      if (open) return;
      await sleep(100);
    }
    throw new Error(`${this.name} did not listen on ${host}:${port} within ${timeoutMs} ms`);
  }

  /** The last lines of its log, for a failure message. */
  async logTail(lines = 20): Promise<string> {
    const text = await readFile(this.logPath, 'utf8').catch(() => '');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /**
   * SIGTERM to its whole process group (npm's children too, for the build), then SIGKILL after
   * a grace period; resolves once the process itself has ended.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;

    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // The group is gone already.
    }
  }
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
