import { execFile } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FerretDbServer } from '../support/ferretdb.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../support/images-service.js';
import { freePort } from '../support/processes.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Runs the image's HEALTHCHECK command as Docker would, with the container's HTTP_ADDR. */
function healthcheck(httpAddr: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['bin/healthcheck.js'],
      { cwd: ROOT, env: { ...process.env, HTTP_ADDR: httpAddr } },
      (error, _stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stderr });
      },
    );
  });
}

describe('bin/healthcheck.js', () => {
  let database: FerretDbServer;
  let stack: ServiceUnderTest | undefined;
  let port: number;

  beforeAll(async () => {
    // A database of its own, which the test stops.
    database = await FerretDbServer.start();
    port = await freePort();
    stack = await startServiceUnderTest({
      HTTP_ADDR: `127.0.0.1:${port}`,
      MONGODB_URI: `${database.uri}healthcheck`,
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await database?.dispose();
  });

  it('exits 0 while the service answers /readyz on the port of a wildcard HTTP_ADDR', async () => {
    expect(await healthcheck(`0.0.0.0:${port}`)).toEqual({ code: 0, stderr: '' });
  });

  it('exits 1 with the status while /readyz answers 503 for a stopped database', async () => {
    await database.stop();

    const result = await healthcheck(`0.0.0.0:${port}`);

    expect(result).toEqual({ code: 1, stderr: 'healthcheck: /readyz answered 503\n' });
    await database.restart();
  });

  it('exits 1 and says why once nothing listens there', async () => {
    await stack?.stop();
    stack = undefined;

    const result = await healthcheck(`0.0.0.0:${port}`);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^healthcheck: .*ECONNREFUSED/);
  });
});
