import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import bcrypt from 'bcryptjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startServiceUnderTest, type ServiceUnderTest } from '../support/images-service.js';
import { opensslKeyFiles } from '../support/token-keys.js';

const PASSWORD = 'alice-secret';
const NO_REGISTRY = 'http://127.0.0.1:9';

/** An htpasswd file holding alice, hashed at `cost`, in a directory of its own. */
async function usersFile(directory: string, cost: number): Promise<string> {
  const path = join(directory, 'users.htpasswd');
  await writeFile(path, `alice:${await bcrypt.hash(PASSWORD, cost)}\n`);
  return path;
}

const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

async function login(stack: ServiceUnderTest, username: string, password: string) {
  const response = await fetch(`${stack.httpUrl}/auth?service=registry.docker.com`, {
    headers: { authorization: basic(username, password) },
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function elapsedMs(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

describe('security: the failed-login limit', () => {
  let directory: string;
  let stack: ServiceUnderTest;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'login-limit-'));
    stack = await startServiceUnderTest({
      REGISTRY_URL: NO_REGISTRY,
      USERS_FILE: await usersFile(directory, 4),
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '2',
      // The smallest window auth-config.ts allows, so that the release comes within the test.
      LOGIN_FAILURE_WINDOW_SECONDS: '1',
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('engages with 429 and Retry-After once the limit is reached, even for the right password, and releases after the window', async () => {
    expect((await login(stack, 'alice', 'guess-1')).status).toBe(401);
    expect((await login(stack, 'alice', 'guess-2')).status).toBe(401);

    const held = await login(stack, 'alice', PASSWORD);

    expect(held.status).toBe(429);
    expect(held.body).toEqual({
      errors: [{ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/^too many failed/) }],
    });
    const retryAfter = Number(held.headers.get('retry-after'));
    expect(retryAfter).toBe(1);

    // Waiting as told is enough: the oldest failure has left the window by then.
    await sleep(retryAfter * 1000 + 100);
    expect((await login(stack, 'alice', PASSWORD)).status).toBe(200);
  });
});

describe('security: login timing of unknown and known users', () => {
  const COST = 8;
  const TRIES = 15;
  let directory: string;
  let stack: ServiceUnderTest;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'login-timing-'));
    stack = await startServiceUnderTest({
      REGISTRY_URL: NO_REGISTRY,
      USERS_FILE: await usersFile(directory, COST),
      LOG_LEVEL: 'warn',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '10000',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '10000',
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  /*
   * A security property, not a speed claim: an attacker must not learn which accounts exist
   * from how long a wrong password takes. The band is wide (0.5 to 2) because this machine is
   * shared; an unknown user answered without bcrypt would take a fraction of a millisecond
   * against several for cost 8, far outside it. To rule out both paths being fast for another
   * reason, the known user's wrong password must take at least half of what bcrypt.compare at
   * the same cost takes here, measured in the same run.
   */
  it('answers an unknown user as slowly as a wrong password of a known one, both running bcrypt', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    const bcryptAlone: number[] = [];
    const hash = await bcrypt.hash(PASSWORD, COST);

    // Interleaved, so that both see the same load on the machine.
    for (let attempt = 0; attempt < TRIES; attempt += 1) {
      known.push(await elapsedMs(() => login(stack, 'alice', `wrong-${attempt}`)));
      unknown.push(await elapsedMs(() => login(stack, `nobody-${attempt}`, `wrong-${attempt}`)));
      bcryptAlone.push(await elapsedMs(() => bcrypt.compare(`wrong-${attempt}`, hash)));
    }

    const ratio = median(unknown) / median(known);
    expect(ratio, `unknown ${median(unknown)} ms, known ${median(known)} ms`).toBeGreaterThan(0.5);
    expect(ratio, `unknown ${median(unknown)} ms, known ${median(known)} ms`).toBeLessThan(2);
    expect(median(known)).toBeGreaterThan(median(bcryptAlone) / 2);
    expect((await login(stack, 'nobody', 'x')).status).toBe(401);
  });
});

describe('security: private key files readable by group or others', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'key-modes-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it.each([0o640, 0o604])(
    'refuses to start with a TOKEN_KEY_FILE of mode %o, naming it',
    async (mode) => {
      const files = await opensslKeyFiles(directory, 'ec');
      await chmod(files.keyPath, mode);

      const starting = startServiceUnderTest({
        REGISTRY_URL: NO_REGISTRY,
        DATA_DIR: directory,
        TOKEN_KEY_FILE: files.keyPath,
        TOKEN_CERT_FILE: files.certificatePath,
      });

      await expect(starting).rejects.toThrow(
        `TOKEN_KEY_FILE "${files.keyPath}" is accessible by group or others ` +
          `(mode 0${mode.toString(8)}): run chmod 600 on it`,
      );
    },
  );

  it('refuses to start with a generated key someone made readable by others', async () => {
    const first = await startServiceUnderTest({ REGISTRY_URL: NO_REGISTRY, DATA_DIR: directory });
    await first.stop();
    const keyPath = join(directory, 'token', 'signing-key.pem');
    await chmod(keyPath, 0o644);

    await expect(
      startServiceUnderTest({ REGISTRY_URL: NO_REGISTRY, DATA_DIR: directory }),
    ).rejects.toThrow(
      `generated token key "${keyPath}" is accessible by group or others (mode 0644): run chmod 600 on it`,
    );
  });

  it('refuses to start with a generated notification secret readable by the group', async () => {
    const first = await startServiceUnderTest({ REGISTRY_URL: NO_REGISTRY, DATA_DIR: directory });
    await first.stop();
    const secretPath = join(directory, 'notification-secret');
    await chmod(secretPath, 0o640);

    await expect(
      startServiceUnderTest({ REGISTRY_URL: NO_REGISTRY, DATA_DIR: directory }),
    ).rejects.toThrow(
      `notification secret "${secretPath}" is accessible by group or others (mode 0640): chmod 600 it`,
    );
  });
});
