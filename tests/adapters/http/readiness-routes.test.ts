import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually } from '../../support/eventually.js';
import { FerretDbServer } from '../../support/ferretdb.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../support/images-service.js';
import { RegistryServer } from '../../support/registry.js';
import { opensslKeyFiles } from '../../support/token-keys.js';

async function readiness(stack: ServiceUnderTest) {
  const response = await fetch(`${stack.httpUrl}/readyz`);
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as unknown,
  };
}

describe('GET /readyz', () => {
  let database: FerretDbServer;
  let registry: RegistryServer;
  let keys: string;
  let stack: ServiceUnderTest;

  beforeAll(async () => {
    database = await FerretDbServer.start();
    // A registry that wants a token first answers GET /v2/ with 401: that is up, too.
    keys = await mkdtemp(join(tmpdir(), 'readyz-'));
    const { certificatePath } = await opensslKeyFiles(keys, 'ec');
    registry = await RegistryServer.start({
      version: '3',
      auth: {
        token: {
          realm: 'http://127.0.0.1:9/auth',
          service: 'registry.docker.com',
          issuer: 'auth.docker.com',
          rootcertbundle: certificatePath,
        },
      },
    });
    stack = await startServiceUnderTest({
      MONGODB_URI: `${database.uri}readyz`,
      REGISTRY_URL: registry.url,
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await registry?.dispose();
    await database?.dispose();
    if (keys !== undefined) await rm(keys, { recursive: true, force: true });
  });

  it('answers 200 with what it checked while the database answers and the key is loaded', async () => {
    expect(await readiness(stack)).toEqual({
      status: 200,
      contentType: 'application/json; charset=utf-8',
      body: { status: 'ready', database: 'up', signingKey: 'loaded', registry: 'up' },
    });
  });

  it('stays ready while the registry is down, and reports it', async () => {
    await registry.stop();

    expect(await readiness(stack)).toMatchObject({
      status: 200,
      body: { status: 'ready', database: 'up', registry: 'down' },
    });

    await registry.restart();
    expect(await readiness(stack)).toMatchObject({ status: 200, body: { registry: 'up' } });
  });

  it('answers 503 while the database is stopped and 200 once it is back', async () => {
    await database.stop();

    expect(await readiness(stack)).toEqual({
      status: 503,
      contentType: 'application/json; charset=utf-8',
      body: { status: 'not ready', database: 'down', signingKey: 'loaded', registry: 'up' },
    });
    const warning = stack.logs.lines.find((line) => line.msg === 'not ready');
    expect(warning).toMatchObject({ level: 40, readiness: { database: 'down' } });

    // /healthz is liveness: a database outage is no reason to restart the service.
    const alive = await fetch(`${stack.httpUrl}/healthz`);
    expect(alive.status).toBe(200);

    await database.restart();

    // The driver finds the server again on its own; no restart of the service.
    await eventually(async () =>
      expect(await readiness(stack)).toMatchObject({
        status: 200,
        body: { status: 'ready', database: 'up' },
      }),
    );
  });
});
