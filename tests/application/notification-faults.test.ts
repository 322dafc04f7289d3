import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { runReconcileCommand } from '../../src/application/commands/reconcile-command.js';
import { catalogDocuments, registryTags } from '../support/catalog-state.js';
import { EventRecorder, notificationsTo } from '../support/event-recorder.js';
import { eventually } from '../support/eventually.js';
import { FerretDbServer } from '../support/ferretdb.js';
import { startServiceUnderTest } from '../support/images-service.js';
import { isolatedDatabaseUri } from '../support/mongodb.js';
import { REGISTRY_VERSIONS, RegistryServer } from '../support/registry.js';
import { pushTestImage, skopeoDelete } from '../support/skopeo.js';
import { textCollector } from '../support/text-collector.js';

const SECRET = 'faults-notification-secret-0123456789';

describe.each(REGISTRY_VERSIONS)('the catalog after faults, with registry %s', (version) => {
  const cleanups: (() => Promise<unknown>)[] = [];

  async function setUp(mongodbUri: string) {
    const dataDir = await mkdtemp(join(tmpdir(), 'notification-faults-'));
    const recorder = await EventRecorder.start();
    const registry = await RegistryServer.start({
      version,
      notifications: notificationsTo(recorder, SECRET),
    });
    const env = {
      REGISTRY_URL: registry.url,
      NOTIFICATION_SECRETS: SECRET,
      DATA_DIR: dataDir,
      MONGODB_URI: mongodbUri,
    };
    const service = await startServiceUnderTest(env);
    recorder.target = `${service.httpUrl}/event`;

    const stack = { recorder, registry, env, service };
    cleanups.push(async () => {
      await stack.service.stop().catch(() => undefined);
      await registry.dispose();
      await recorder.close();
      await rm(dataDir, { recursive: true, force: true });
    });
    return stack;
  }

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('catches up through the registry retries after the database was down during pushes', async () => {
    const database = await FerretDbServer.start();
    cleanups.push(() => database.dispose());
    const { recorder, registry, service } = await setUp(`${database.uri}faults`);
    await pushTestImage(`${registry.host}/alice/app:v1`, { content: 'faults one' });
    await eventually(async () =>
      expect(Object.keys((await catalogDocuments(service.mongodbUri)).tags)).toEqual(['alice/app']),
    );

    await database.stop();
    await pushTestImage(`${registry.host}/alice/app:v2`, { content: 'faults two' });
    await pushTestImage(`${registry.host}/bob/tool:1.0`, {
      content: 'faults three',
      multiArch: true,
    });
    await pushTestImage(`${registry.host}/alice/app:v1`, { content: 'faults four' });
    await eventually(async () =>
      expect(recorder.envelopes.some((envelope) => envelope.status === 503)).toBe(true),
    );
    await database.restart();

    const expected = await registryTags(registry.url);
    await eventually(
      async () => expect((await catalogDocuments(service.mongodbUri)).tags).toEqual(expected),
      {
        timeoutMs: 60_000,
      },
    );
    expect(Object.keys(expected)).toEqual(['alice/app', 'bob/tool']);
  });

  it('is brought to the registry state by reconcile after the registry lost its queue', async () => {
    const stack = await setUp(isolatedDatabaseUri('faults'));
    const { registry, recorder } = stack;
    await pushTestImage(`${registry.host}/alice/app:v1`, { content: 'lost one' });
    await pushTestImage(`${registry.host}/alice/old:v1`, { content: 'lost two' });
    await eventually(async () =>
      expect(Object.keys((await catalogDocuments(stack.service.mongodbUri)).tags)).toEqual([
        'alice/app',
        'alice/old',
      ]),
    );

    // The service goes away; what the registry does meanwhile waits in its queue, which a
    // restart of the registry then drops.
    await stack.service.stop();
    await pushTestImage(`${registry.host}/alice/app:v2`, { content: 'lost three' });
    await pushTestImage(`${registry.host}/bob/tool:1.0`, { content: 'lost four' });
    await skopeoDelete(`${registry.host}/alice/old:v1`);
    await registry.stop();
    await registry.restart();
    stack.service = await startServiceUnderTest(stack.env);
    recorder.target = `${stack.service.httpUrl}/event`;
    expect((await catalogDocuments(stack.service.mongodbUri)).tags).not.toEqual(
      await registryTags(registry.url),
    );

    const stdout = textCollector();
    const stderr = textCollector();
    const code = await runReconcileCommand([], { env: stack.env, stdout, stderr });

    expect({ code, stderr: stderr.text }).toEqual({ code: 0, stderr: '' });
    expect(stdout.text).toBe(
      ['3 repositories', 'added: 2', 'updated: 0', 'removed: 1', 'unchanged: 1', ''].join('\n'),
    );
    expect((await catalogDocuments(stack.service.mongodbUri)).tags).toEqual(
      await registryTags(registry.url),
    );
    const listed = await stack.service.client.list({ username: '' });
    expect(
      listed.images.map((group) =>
        group.list.map((image) => `${image.name}:${image.tags.join(',')}`),
      ),
    ).toEqual([['alice/app:v1,v2'], ['bob/tool:1.0']]);
  });
});
