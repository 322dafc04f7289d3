import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  loopbackRegistryEnvironment,
  REGISTRY_CONFIG_FILE,
} from '../../scripts/stack/registry-environment.js';
import { loadOrGenerateSigningKey } from '../../src/adapters/token/generated-signing-key.js';
import { eventually } from '../support/eventually.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../support/images-service.js';
import { freePort } from '../support/processes.js';
import { REGISTRY_VERSIONS, RegistryServer } from '../support/registry.js';
import { pushTestImage, skopeoInspect } from '../support/skopeo.js';

const SECRET = 'deploy-config-notification-secret';
const alice = { username: 'alice', password: 'alice-deploy-secret' };

// deploy/registry/config.yml is what compose.yaml mounts: here it runs unchanged on disk, with
// only addresses, paths and the secret set through the registry's own variables.
describe.each(REGISTRY_VERSIONS)('registry %s run from deploy/registry/config.yml', (version) => {
  let directory: string;
  let registry: RegistryServer;
  let stack: ServiceUnderTest;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'deploy-config-'));
    // The registry reads the certificate at start; the service finds the same key later.
    const { key } = await loadOrGenerateSigningKey(directory);
    const httpPort = await freePort();

    registry = await RegistryServer.startFromFile({
      version,
      configFile: REGISTRY_CONFIG_FILE,
      environment: (place) =>
        loopbackRegistryEnvironment({
          version,
          ...place,
          realm: `http://127.0.0.1:${httpPort}/auth`,
          certificatePath: key.certificatePath,
          notificationUrl: `http://127.0.0.1:${httpPort}/event`,
          notificationSecret: SECRET,
        }),
    });

    const usersFile = join(directory, 'users.htpasswd');
    await writeFile(usersFile, `alice:${await bcrypt.hash(alice.password, 5)}\n`);
    stack = await startServiceUnderTest({
      HTTP_ADDR: `127.0.0.1:${httpPort}`,
      DATA_DIR: directory,
      REGISTRY_URL: registry.url,
      USERS_FILE: usersFile,
      NOTIFICATION_SECRETS: SECRET,
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await registry?.dispose();
    await rm(directory, { recursive: true, force: true });
  });

  it('takes a push with a token from the service and shows it through List and Find', async () => {
    const pushed = await pushTestImage(
      `${registry.host}/alice/app:v1`,
      { content: 'deploy config v1' },
      { creds: alice },
    );

    await eventually(async () =>
      expect((await stack.client.find({ name: 'alice/app:v1' })).status).toMatchObject({
        code: 200,
        message: 'Image with the specified name was found.',
      }),
    );
    const list = await stack.client.list({ username: 'alice' });
    expect(list.images).toEqual([
      expect.objectContaining({
        username: 'alice',
        list: [expect.objectContaining({ name: 'alice/app', tags: ['v1'] })],
      }),
    ]);
    expect(await skopeoInspect(`${registry.host}/alice/app:v1`, { creds: alice })).toBe(
      pushed.digest,
    );
  });

  it('refuses a push without credentials, since the file enables token auth', async () => {
    const pushing = pushTestImage(`${registry.host}/alice/app:anonymous`, {
      content: 'anonymous',
    });

    await expect(pushing).rejects.toThrow(/denied|unauthorized|authentication required/i);
  });

  it('lets gRPC Delete remove the image from the registry, since the file enables deletes', async () => {
    const deleted = await stack.client.delete({ name: 'alice/app' });

    expect(deleted).toMatchObject({ code: 200 });
    expect(await skopeoInspect(`${registry.host}/alice/app:v1`, { creds: alice })).toBeUndefined();
    await eventually(async () =>
      expect((await stack.client.find({ name: 'alice/app:v1' })).status).toMatchObject({
        code: 404,
      }),
    );
  });
});
