import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import bcrypt from 'bcryptjs';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { HtpasswdCredentialVerifier } from '../../../src/adapters/credentials/htpasswd-credential-verifier.js';
import { CredentialStoreUnavailableError } from '../../../src/domain/ports/credential-verifier.port.js';
import { Secret } from '../../../src/domain/shared/secret.js';
import { LogCapture } from '../../support/log-capture.js';

// The examples of PHP's password_hash and password_verify manual pages: Apache's `$2y$` form.
const PHP_MANUAL_2Y_COST_10 = '$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a';
const PHP_MANUAL_2Y_COST_7 = '$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq';
const PHP_MANUAL_PASSWORD = 'rasmuslerdorf';

let directory: string;
let path: string;
let logs: LogCapture;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'htpasswd-'));
  path = join(directory, 'users.htpasswd');
  logs = new LogCapture();
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function open(lines: readonly string[]) {
  await writeFile(path, `${lines.join('\n')}\n`);
  return HtpasswdCredentialVerifier.open({ path, recheckIntervalMs: 0 }, pino(logs.stream));
}

describe('HtpasswdCredentialVerifier', () => {
  it.each([
    ['$2y$ of cost 10', PHP_MANUAL_2Y_COST_10],
    ['$2y$ of cost 7', PHP_MANUAL_2Y_COST_7],
  ])('accepts Apache %s hashes', async (_case, hash) => {
    const verifier = await open([`rasmus:${hash}`]);

    expect(await verifier.verify('rasmus', new Secret(PHP_MANUAL_PASSWORD))).toMatchObject({
      valid: true,
      account: { username: 'rasmus', admin: false },
    });
    expect(await verifier.verify('rasmus', new Secret('rasmuslerdorF'))).toEqual({ valid: false });
  });

  it.each(['$2a$', '$2b$'])('accepts %s hashes', async (prefix) => {
    const hash = (await bcrypt.hash('alice-secret', 4)).replace(/^\$2.\$/, prefix);
    const verifier = await open([`alice:${hash}`]);

    expect(await verifier.verify('alice', new Secret('alice-secret'))).toMatchObject({
      valid: true,
    });
  });

  it('refuses an unknown user', async () => {
    const verifier = await open([`rasmus:${PHP_MANUAL_2Y_COST_7}`]);

    expect(await verifier.verify('mallory', new Secret(PHP_MANUAL_PASSWORD))).toEqual({
      valid: false,
    });
  });

  it('skips comments, blank lines and entries that are not bcrypt, logging which', async () => {
    const verifier = await open([
      '# accounts',
      '',
      `rasmus:${PHP_MANUAL_2Y_COST_7}`,
      'md5user:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/',
      'shauser:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=',
      'plain:password',
      'nohash',
    ]);

    expect(verifier.size).toBe(1);
    expect(await verifier.verify('plain', new Secret('password'))).toEqual({ valid: false });
    const skipped = logs.lines.filter(
      (line) => line.msg === 'users file entry is not bcrypt, skipped',
    );
    expect(skipped.map((line) => line['line'])).toEqual([4, 5, 6, 7]);
    expect(logs.raw.join('\n')).not.toContain('HqJZimcKQFAMYayBlzkrA');
  });

  it('reads the file again when it changes', async () => {
    const verifier = await open([`rasmus:${PHP_MANUAL_2Y_COST_7}`]);
    const bobHash = await bcrypt.hash('bob-secret', 4);

    await writeFile(path, `bob:${bobHash}\n`);

    expect(await verifier.verify('bob', new Secret('bob-secret'))).toMatchObject({ valid: true });
    expect(await verifier.verify('rasmus', new Secret(PHP_MANUAL_PASSWORD))).toEqual({
      valid: false,
    });
    expect(await verifier.status('rasmus')).toEqual({ status: 'gone' });
  });

  it('picks up a file replaced by rename, as editors and htpasswd do', async () => {
    const verifier = await open([`rasmus:${PHP_MANUAL_2Y_COST_7}`]);
    const replacement = join(directory, 'users.new');
    await writeFile(replacement, `carol:${await bcrypt.hash('carol-secret', 4)}\n`);

    await rename(replacement, path);

    expect(await verifier.verify('carol', new Secret('carol-secret'))).toMatchObject({
      valid: true,
    });
  });

  it('keeps the last accounts read while the file is missing', async () => {
    const verifier = await open([`rasmus:${PHP_MANUAL_2Y_COST_7}`]);

    await rm(path);

    expect(await verifier.verify('rasmus', new Secret(PHP_MANUAL_PASSWORD))).toMatchObject({
      valid: true,
    });
    expect(
      logs.lines.some((line) => line.msg === 'users file unreadable, keeping the last one read'),
    ).toBe(true);
  });

  it('waits the recheck interval before looking at the file again', async () => {
    await writeFile(path, `rasmus:${PHP_MANUAL_2Y_COST_7}\n`);
    const verifier = await HtpasswdCredentialVerifier.open(
      { path, recheckIntervalMs: 3_600_000 },
      pino(logs.stream),
    );

    await writeFile(path, `bob:${await bcrypt.hash('bob-secret', 4)}\n`);

    expect(await verifier.verify('rasmus', new Secret(PHP_MANUAL_PASSWORD))).toMatchObject({
      valid: true,
    });
  });

  it('reports a revision that changes with the password', async () => {
    const verifier = await open([`rasmus:${PHP_MANUAL_2Y_COST_7}`]);
    const before = await verifier.status('rasmus');

    await writeFile(path, `rasmus:${PHP_MANUAL_2Y_COST_10}\n`);
    const after = await verifier.status('rasmus');

    expect(before).toMatchObject({
      status: 'active',
      account: { revision: expect.stringMatching(/^[\w-]{16}$/) },
    });
    expect(after).toMatchObject({ status: 'active' });
    if (before.status !== 'active' || after.status !== 'active') return;
    expect(after.account.revision).not.toBe(before.account.revision);
    const verified = await verifier.verify('rasmus', new Secret(PHP_MANUAL_PASSWORD));
    expect(verified).toMatchObject({ valid: true, account: { revision: after.account.revision } });
  });

  it('fails to open a file that does not exist, naming it', async () => {
    const missing = join(directory, 'missing');

    const opening = HtpasswdCredentialVerifier.open(
      { path: missing, recheckIntervalMs: 0 },
      pino(logs.stream),
    );

    await expect(opening).rejects.toBeInstanceOf(CredentialStoreUnavailableError);
    await expect(opening).rejects.toThrow(`users file "${missing}" cannot be read`);
  });

  it('takes as long for an unknown user as for a known one, comparing against a stand-in hash', async () => {
    const verifier = await open([`rasmus:${PHP_MANUAL_2Y_COST_10}`]);
    const compared: string[] = [];
    const original = bcrypt.compare;
    bcrypt.compare = (async (password: string, hash: string) => {
      compared.push(hash);
      return original(password, hash);
    }) as typeof bcrypt.compare;

    try {
      await verifier.verify('mallory', new Secret('guess'));
    } finally {
      bcrypt.compare = original;
    }

    expect(compared).toHaveLength(1);
    expect(bcrypt.getRounds(compared[0] as string)).toBe(10);
    expect(compared[0]).not.toBe(PHP_MANUAL_2Y_COST_10);
  });
});
