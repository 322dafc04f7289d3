import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { runRegistryConfigCommand } from '../../src/application/commands/registry-config-command.js';
import { textCollector } from '../support/text-collector.js';

describe('the notification secret in images-service registry-config', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'registry-config-secret-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is the secret the service generates under DATA_DIR when NOTIFICATION_SECRETS is unset', async () => {
    const stdout = textCollector();

    expect(
      await runRegistryConfigCommand([], {
        env: { DATA_DIR: dataDir },
        stdout,
        stderr: textCollector(),
      }),
    ).toBe(0);

    const secret = (await readFile(join(dataDir, 'notification-secret'), 'utf8')).trim();
    expect(stdout.text).toContain(`Authorization: ["Bearer ${secret}"]`);
  });

  it('is the first of NOTIFICATION_SECRETS, the one registries should move to', async () => {
    const stdout = textCollector();
    const env = {
      DATA_DIR: dataDir,
      NOTIFICATION_SECRETS: 'new-secret-0123456789,old-secret-0123456789',
    };

    expect(await runRegistryConfigCommand([], { env, stdout, stderr: textCollector() })).toBe(0);

    expect(stdout.text).toContain('Authorization: ["Bearer new-secret-0123456789"]');
    expect(stdout.text).not.toContain('old-secret');
  });
});
