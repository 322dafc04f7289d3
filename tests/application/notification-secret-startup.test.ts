import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startServiceUnderTest, type ServiceUnderTest } from '../support/images-service.js';

describe('the service started without NOTIFICATION_SECRETS', () => {
  let dataDir: string;
  let stack: ServiceUnderTest;
  let secret: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'secret-startup-'));
    stack = await startServiceUnderTest({ DATA_DIR: dataDir, REGISTRY_URL: 'http://127.0.0.1:9' });
    secret = (await readFile(join(dataDir, 'notification-secret'), 'utf8')).trim();
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('logs the file of the secret it generated, never the secret', () => {
    expect(stack.logs.lines).toContainEqual(
      expect.objectContaining({
        msg: 'NOTIFICATION_SECRETS is unset: generated a notification secret',
        file: join(dataDir, 'notification-secret'),
      }),
    );
    expect(stack.logs.raw.join('\n')).not.toContain(secret);
  });

  it('accepts events that carry the generated secret and refuses others', async () => {
    const post = (authorization: string) =>
      fetch(`${stack.httpUrl}/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: '{"events":[]}',
      });

    expect((await post(`Bearer ${secret}`)).status).toBe(200);
    expect((await post('Bearer not-the-generated-secret')).status).toBe(401);
  });
});
