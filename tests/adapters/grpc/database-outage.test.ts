import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { seedCatalog, tagPush } from '../../support/catalog-seed.js';
import { FerretDbServer } from '../../support/ferretdb.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../support/images-service.js';

const INTERNAL = {
  code: 500,
  message: 'An internal server error has occurred.',
  reason: 'INTERNAL',
  detail: '',
};

describe('ImagesAPI while its database is down', () => {
  let database: FerretDbServer;
  let stack: ServiceUnderTest;

  beforeAll(async () => {
    database = await FerretDbServer.start();
    stack = await startServiceUnderTest({
      MONGODB_URI: `${database.uri}outage`,
      REGISTRY_URL: 'http://127.0.0.1:9',
    });
    await seedCatalog(stack.mongodbUri, [tagPush('alice/app', 'latest')]);
    await database.stop();
  });

  afterAll(async () => {
    await stack?.stop();
    await database?.dispose();
  });

  it('answers List with the documented 500 in the status, not a gRPC error', async () => {
    const response = await stack.client.list({ username: 'alice' });

    expect(response.status).toMatchObject(INTERNAL);
    expect(response.images).toEqual([]);
  });

  it('answers Find and Delete with the documented 500 and keeps the cause out of the answer', async () => {
    const find = await stack.client.find({ name: 'alice/app' });
    const deleted = await stack.client.delete({ name: 'alice/app' });

    expect(find.status).toMatchObject(INTERNAL);
    expect(find.image).toBeUndefined();
    expect(deleted).toMatchObject(INTERNAL);
  });

  it('logs the cause at error level under the request id it answered with', async () => {
    const response = await stack.client.find({ name: 'alice/app' });
    const requestId = response.status?.requestId as string;

    const [line] = stack.logs.forRequest(requestId);
    expect(line).toMatchObject({ level: 50, method: '/ImagesAPI/Find', msg: 'find failed' });
    expect(JSON.stringify(line?.['err'])).toMatch(/Mongo|connect|ECONNREFUSED/i);
  });

  it('answers again once the database is back, without a restart', async () => {
    await database.restart();

    const deadline = Date.now() + 30_000;
    let code: number | undefined;
    while (Date.now() < deadline) {
      code = (await stack.client.find({ name: 'alice/app' })).status?.code;
      if (code === 200) break;
      await sleep(250);
    }

    expect(code).toBe(200);
  });
});
