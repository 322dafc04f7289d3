import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ferretDbSqliteArguments } from '../../scripts/stack/ferretdb-arguments.js';
import { freePort, ServerProcess, toolPath } from './processes.js';

/**
 * A FerretDB of a test's own, on SQLite files in a temporary directory, for tests that stop and
 * restart the database. Its files survive restarts; `dispose` removes them.
 */
export class FerretDbServer {
  private constructor(
    readonly uri: string,
    private readonly process: ServerProcess,
    private readonly directory: string,
  ) {}

  static async start(): Promise<FerretDbServer> {
    const directory = await mkdtemp(join(tmpdir(), 'ferretdb-'));
    const port = await freePort();
    const process = new ServerProcess(
      'ferretdb',
      toolPath('FERRETDB_BIN', 'ferretdb'),
      ferretDbSqliteArguments(directory, port, 'error'),
      port,
    );
    await process.start();
    return new FerretDbServer(`mongodb://127.0.0.1:${port}/`, process, directory);
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }

  async restart(): Promise<void> {
    await this.process.start();
  }

  async dispose(): Promise<void> {
    await this.process.stop();
    await rm(this.directory, { recursive: true, force: true });
  }
}
