import { execFileSync } from 'node:child_process';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { runKeysCommand } from '../../src/application/commands/keys-command.js';
import { runRegistryConfigCommand } from '../../src/application/commands/registry-config-command.js';
import { freePort, ServerProcess, toolPath } from '../support/processes.js';
import { REGISTRY_VERSIONS } from '../support/registry.js';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'token-commands-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

function io(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        into.push(chunk.toString());
        done();
      },
    });
  return {
    env,
    stdout: sink(out),
    stderr: sink(err),
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

/** jwt.md's libtrust recipe with openssl and coreutils, not this service's code. */
function libtrustWithTools(certificatePath: string): string {
  const publicPem = execFileSync('openssl', ['x509', '-in', certificatePath, '-noout', '-pubkey']);
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: publicPem });
  const digest = execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der });
  const encoded = execFileSync('base32', ['-w', '0'], { input: digest.subarray(0, 30) }).toString();
  return encoded.replace(/=+$/, '').match(/.{4}/g)?.join(':') ?? '';
}

describe('images-service keys', () => {
  it('generates the key once and prints its files and both key ids', async () => {
    const first = io({ DATA_DIR: directory });
    const second = io({ DATA_DIR: directory });

    expect(await runKeysCommand([], first)).toBe(0);
    expect(await runKeysCommand([], second)).toBe(0);

    const certificatePath = join(directory, 'token', 'signing-cert.pem');
    expect(first.out()).toContain(
      `key:          ${join(directory, 'token', 'signing-key.pem')} (generated now)`,
    );
    expect(second.out()).toContain(`certificate:  ${certificatePath} (existing)`);
    expect(second.out()).toContain(
      `kid libtrust (registry 2.x):       ${libtrustWithTools(certificatePath)}\n`,
    );
    expect(second.out()).toMatch(/kid jwk-thumbprint \(registry 3\.x\): [\w-]{43}\n/);
    expect(second.out()).toContain(
      'tokens name the key by:            jwk-thumbprint (TOKEN_KID_FORMAT)',
    );
  });

  it('reports an unusable TOKEN_KEY_FILE with exit code 1', async () => {
    const command = io({
      TOKEN_KEY_FILE: join(directory, 'missing.pem'),
      TOKEN_CERT_FILE: join(directory, 'c.pem'),
    });

    expect(await runKeysCommand([], command)).toBe(1);
    expect(command.err()).toBe(
      `images-service: TOKEN_KEY_FILE "${join(directory, 'missing.pem')}" cannot be read (ENOENT)\n`,
    );
  });

  it('refuses arguments with exit code 2', async () => {
    const command = io({ DATA_DIR: directory });

    expect(await runKeysCommand(['--force'], command)).toBe(2);
    expect(command.err()).toBe(
      'images-service: keys takes no arguments, got "--force"\nusage: images-service keys\n',
    );
  });

  it('reports a bad configuration with exit code 2', async () => {
    const command = io({ TOKEN_TTL_SECONDS: '1' });

    expect(await runKeysCommand([], command)).toBe(2);
    expect(command.err()).toContain('TOKEN_TTL_SECONDS="1": expected an integer from 60 to 86400');
  });
});

describe.each(REGISTRY_VERSIONS)(
  'images-service registry-config read by registry %s',
  (version) => {
    it('configures a registry that challenges clients with this service as realm', async () => {
      const command = io({
        DATA_DIR: directory,
        TOKEN_REALM: 'http://images.fog.example:5002/auth',
      });
      expect(await runRegistryConfigCommand([], command)).toBe(0);

      const port = await freePort();
      const configPath = join(directory, 'config.yml');
      const base = [
        'version: 0.1',
        'log:',
        '  level: warn',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${JSON.stringify(join(directory, 'storage'))}`,
        'http:',
        `  addr: "127.0.0.1:${port}"`,
        '',
      ].join('\n');
      await writeFile(configPath, base + command.out());
      const [variable, fallback] =
        version === '2.8' ? ['REGISTRY2_BIN', 'docker-registry'] : ['REGISTRY3_BIN', 'registry'];
      const registry = new ServerProcess(
        `registry ${version}`,
        toolPath(variable, fallback),
        ['serve', configPath],
        port,
      );

      await registry.start();
      try {
        const response = await fetch(`http://127.0.0.1:${port}/v2/`);

        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe(
          'Bearer realm="http://images.fog.example:5002/auth",service="registry.docker.com"',
        );
      } finally {
        await registry.stop();
      }
      expect(command.out()).toContain(
        `rootcertbundle: "${join(directory, 'token', 'signing-cert.pem')}"`,
      );
      expect(command.out()).toContain('url: "http://images.fog.example:5002/event"');
      expect(await readFile(join(directory, 'token', 'signing-cert.pem'), 'utf8')).toMatch(
        /^-----BEGIN CERTIFICATE-----/,
      );
    });
  },
);
