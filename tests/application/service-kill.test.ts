import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { runReconcileCommand } from '../../src/application/commands/reconcile-command.js';
import { catalogDocuments, registryTags } from '../support/catalog-state.js';
import { EventRecorder, notificationsTo } from '../support/event-recorder.js';
import { eventually } from '../support/eventually.js';
import { isolatedDatabaseUri } from '../support/mongodb.js';
import { freePort, ServerProcess } from '../support/processes.js';
import { RegistryServer } from '../support/registry.js';
import { pushTestImage, skopeoDelete } from '../support/skopeo.js';
import { textCollector } from '../support/text-collector.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SECRET = 'kill-notification-secret-0123456789';

describe('the service killed with registry events in flight', () => {
  const cleanups: (() => Promise<unknown>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('comes back on the same ports, and the registry retries bring the catalog to the registry state', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'service-kill-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    // The recorder relays to the service's fixed address and shows what the registry saw.
    const recorder = await EventRecorder.start();
    cleanups.push(() => recorder.close());
    recorder.target = `http://127.0.0.1:${httpPort}/event`;
    const registry = await RegistryServer.start({
      version: '3',
      notifications: notificationsTo(recorder, SECRET),
    });
    cleanups.push(() => registry.dispose());
    const env = {
      MONGODB_URI: isolatedDatabaseUri('service_kill'),
      REGISTRY_URL: registry.url,
      NOTIFICATION_SECRETS: SECRET,
      DATA_DIR: dataDir,
      GRPC_ADDR: `127.0.0.1:${grpcPort}`,
      HTTP_ADDR: `127.0.0.1:${httpPort}`,
      LOG_LEVEL: 'error',
    };

    // A process of its own, run from the sources, so that SIGKILL ends the service itself.
    const service = new ServerProcess(
      'images service',
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'start'],
      httpPort,
      { ...process.env, ...env },
    );
    cleanups.push(() => service.stop());
    await service.start();

    // Three pushes at once. The registry delivers their events one at a time, blobs first:
    // the service dies once the first is answered, with the rest, manifests among them,
    // still to be delivered or on the way.
    const pushes = Promise.all([
      pushTestImage(`${registry.host}/alice/app:v1`, { content: 'kill one' }),
      pushTestImage(`${registry.host}/bob/tool:1.0`, { content: 'kill two', multiArch: true }),
      pushTestImage(`${registry.host}/carol/web:v1`, { content: 'kill three' }),
    ]);
    await eventually(async () => expect(recorder.envelopes.length).toBeGreaterThan(0), {
      intervalMs: 5,
    });
    await service.kill();
    const atKill = (await catalogDocuments(env.MONGODB_URI)).tags;
    await pushes;
    expect(Object.keys(atKill).length).toBeLessThan(3);

    // More happens while the service is dead: a new tag and a deletion wait in the queue.
    await pushTestImage(`${registry.host}/alice/app:v2`, { content: 'kill four' });
    await skopeoDelete(`${registry.host}/carol/web:v1`);
    const expected = await registryTags(registry.url);
    expect(Object.keys(expected)).toEqual(['alice/app', 'bob/tool']);
    await eventually(async () =>
      expect(recorder.envelopes.some((envelope) => envelope.status === 502)).toBe(true),
    );

    await service.start();

    await eventually(
      async () => expect((await catalogDocuments(env.MONGODB_URI)).tags).toEqual(expected),
      { timeoutMs: 60_000 },
    );
    // Nothing is left for a reconciliation to repair: the retries alone restored every tag.
    const stdout = textCollector();
    const stderr = textCollector();
    expect(await runReconcileCommand([], { env, stdout, stderr })).toBe(0);
    expect({ stdout: stdout.text, stderr: stderr.text }).toEqual({
      stdout: ['3 repositories', 'added: 0', 'updated: 0', 'removed: 0', 'unchanged: 3', ''].join(
        '\n',
      ),
      stderr: '',
    });
  });
});
