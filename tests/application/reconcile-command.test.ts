import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runReconcileCommand } from '../../src/application/commands/reconcile-command.js';
import { seedCatalog, tagPush } from '../support/catalog-seed.js';
import { catalogDocuments } from '../support/catalog-state.js';
import { isolatedDatabaseUri } from '../support/mongodb.js';
import { freePort } from '../support/processes.js';
import { RegistryServer } from '../support/registry.js';
import { pushTestImage } from '../support/skopeo.js';
import { textCollector } from '../support/text-collector.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

describe('images-service reconcile', () => {
  let registry: RegistryServer;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reconcile-command-'));
    registry = await RegistryServer.start({ version: '3' });
    await pushTestImage(`${registry.host}/alice/app:v1`, { content: 'command one' });
    env = {
      MONGODB_URI: isolatedDatabaseUri('reconcile'),
      REGISTRY_URL: registry.url,
      DATA_DIR: dataDir,
    };
    await seedCatalog(env['MONGODB_URI'] as string, [tagPush('bob/gone', 'latest')]);
  });

  afterAll(async () => {
    await registry.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints what a dry run would change from the command line and changes nothing', async () => {
    const before = await catalogDocuments(env['MONGODB_URI'] as string);

    const { stdout } = await run(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['src/cli.ts', 'reconcile', '--dry-run'],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
      },
    );

    expect(stdout).toBe(
      [
        'dry run, nothing changed: 2 repositories',
        'added: 1',
        'updated: 0',
        'removed: 1',
        'unchanged: 0',
        '',
      ].join('\n'),
    );
    expect(await catalogDocuments(env['MONGODB_URI'] as string)).toEqual(before);
  });

  it('draws a progress bar on a terminal and ends its line', async () => {
    const stdout = textCollector();
    const stderr = textCollector(true);

    expect(await runReconcileCommand(['--dry-run'], { env, stdout, stderr })).toBe(0);

    expect(stderr.text).toMatch(/\rreconcile \[#{30}\] 2\/2\n$/);
  });

  it('draws nothing on stderr when it is not a terminal', async () => {
    const stderr = textCollector(false);

    await runReconcileCommand(['--dry-run'], { env, stdout: textCollector(), stderr });

    expect(stderr.text).toBe('');
  });

  it('refuses an unknown option with the usage and exit code 2', async () => {
    const stderr = textCollector();

    expect(await runReconcileCommand(['--force'], { env, stdout: textCollector(), stderr })).toBe(
      2,
    );
    expect(stderr.text).toBe(
      'images-service: reconcile does not know "--force"\nusage: images-service reconcile [--dry-run]\n',
    );
  });

  it('refuses an invalid configuration naming the variable, with exit code 2', async () => {
    const stderr = textCollector();

    const code = await runReconcileCommand([], {
      env: { ...env, REGISTRY_URL: 'ftp://x' },
      stdout: textCollector(),
      stderr,
    });

    expect(code).toBe(2);
    expect(stderr.text).toContain('REGISTRY_URL="ftp://x": expected a http or https URL');
  });

  it('changes nothing and exits with 1 when the registry cannot be read', async () => {
    const stderr = textCollector();
    const unreachable = { ...env, REGISTRY_URL: `http://127.0.0.1:${await freePort()}` };

    expect(
      await runReconcileCommand([], { env: unreachable, stdout: textCollector(), stderr }),
    ).toBe(1);

    expect(stderr.text).toMatch(
      /^images-service: the registry's repository list could not be read: registry http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\); nothing was changed\n$/,
    );
    expect(Object.keys((await catalogDocuments(env['MONGODB_URI'] as string)).tags)).toEqual([
      'bob/gone',
    ]);
  });

  it('exits with 1 naming the database when it cannot be reached', async () => {
    const stderr = textCollector();
    const port = await freePort();
    const down = {
      ...env,
      MONGODB_URI: `mongodb://127.0.0.1:${port}/x`,
      MONGODB_TIMEOUT_MS: '300',
    };

    expect(await runReconcileCommand([], { env: down, stdout: textCollector(), stderr })).toBe(1);

    expect(stderr.text).toBe(
      `images-service: reconcile failed: cannot reach MongoDB at mongodb://127.0.0.1:${port}/x\n`,
    );
  });

  it('makes the catalog equal to the registry and prints the counts', async () => {
    const stdout = textCollector();

    expect(await runReconcileCommand([], { env, stdout, stderr: textCollector() })).toBe(0);

    expect(stdout.text).toBe(
      ['2 repositories', 'added: 1', 'updated: 0', 'removed: 1', 'unchanged: 0', ''].join('\n'),
    );
    expect(Object.keys((await catalogDocuments(env['MONGODB_URI'] as string)).tags)).toEqual([
      'alice/app',
    ]);
  });
});
