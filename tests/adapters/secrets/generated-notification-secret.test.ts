import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadOrGenerateNotificationSecret } from '../../../src/adapters/secrets/generated-notification-secret.js';

describe('loadOrGenerateNotificationSecret', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'notification-secret-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates a random secret readable by its owner alone on first start', async () => {
    const generated = await loadOrGenerateNotificationSecret(dataDir);

    expect(generated.created).toBe(true);
    expect(generated.path).toBe(join(dataDir, 'notification-secret'));
    expect((await stat(generated.path)).mode & 0o777).toBe(0o600);
    expect(generated.secret.reveal()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await readFile(generated.path, 'utf8')).trim()).toBe(generated.secret.reveal());
  });

  it('reuses the secret on later starts, also when two start at once', async () => {
    const [first, second] = await Promise.all([
      loadOrGenerateNotificationSecret(dataDir),
      loadOrGenerateNotificationSecret(dataDir),
    ]);
    const later = await loadOrGenerateNotificationSecret(dataDir);

    expect([first?.created, second?.created].filter(Boolean)).toHaveLength(1);
    expect(later.created).toBe(false);
    expect(later.secret.reveal()).toBe(first?.secret.reveal());
    expect(second?.secret.reveal()).toBe(first?.secret.reveal());
  });

  it('refuses a secret file that group or others can read, naming the file and its mode', async () => {
    const { path } = await loadOrGenerateNotificationSecret(dataDir);
    await chmod(path, 0o644);

    await expect(loadOrGenerateNotificationSecret(dataDir)).rejects.toThrow(
      `notification secret "${path}" is accessible by group or others (mode 0644): chmod 600 it`,
    );
  });
});
