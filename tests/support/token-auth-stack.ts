import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import bcrypt from 'bcryptjs';

import { loadOrGenerateSigningKey } from '../../src/adapters/token/generated-signing-key.js';
import type { KeyIdFormat } from '../../src/adapters/token/key-id.js';
import type { SigningKey } from '../../src/adapters/token/signing-key.js';
import { startServiceUnderTest, type ServiceUnderTest } from './images-service.js';
import { freePort } from './processes.js';
import { RegistryServer, type RegistryConfigSections, type RegistryVersion } from './registry.js';
import { FakeUsersService } from './users-service.js';

export const TOKEN_ISSUER = 'auth.docker.com';
export const TOKEN_SERVICE = 'registry.docker.com';

/** The accounts of every stack: root is an admin, by ADMIN_USERS or by the Users Service flag. */
export const ACCOUNTS = {
  alice: 'alice-secret',
  bob: 'bob-secret',
  root: 'root-secret',
} as const;

export type CredentialAdapter = 'htpasswd' | 'users-service';

export interface TokenAuthStackOptions {
  readonly version: RegistryVersion;
  readonly credentials: CredentialAdapter;
  readonly kidFormat: KeyIdFormat;
  /** More of the service's variables, over the stack's own. */
  readonly env?: Readonly<Record<string, string>>;
  /** Where the registry sends its notifications, if anywhere. */
  readonly notifications?: RegistryConfigSections['notifications'];
}

/**
 * A registry that sends its clients to the whole service for tokens, trusting the service's
 * generated certificate as `rootcertbundle`, with passwords checked by the chosen adapter.
 */
export class TokenAuthStack {
  private constructor(
    readonly registry: RegistryServer,
    readonly service: ServiceUnderTest,
    readonly key: SigningKey,
    readonly users: FakeUsersService | undefined,
    /** The service's configuration, for commands that must read the same one. */
    readonly env: Readonly<Record<string, string>>,
    private readonly directory: string,
  ) {}

  static async start(options: TokenAuthStackOptions): Promise<TokenAuthStack> {
    const directory = await mkdtemp(join(tmpdir(), 'token-auth-'));
    // The key exists before the registry starts: the registry reads the certificate at start,
    // and the service finds and reuses the same key under DATA_DIR.
    const { key } = await loadOrGenerateSigningKey(directory);
    const httpPort = await freePort();

    const registry = await RegistryServer.start({
      version: options.version,
      auth: {
        token: {
          realm: `http://127.0.0.1:${httpPort}/auth`,
          service: TOKEN_SERVICE,
          issuer: TOKEN_ISSUER,
          rootcertbundle: key.certificatePath,
        },
      },
      ...(options.notifications === undefined ? {} : { notifications: options.notifications }),
    });

    let users: FakeUsersService | undefined;
    const env: Record<string, string> = {
      HTTP_ADDR: `127.0.0.1:${httpPort}`,
      DATA_DIR: directory,
      REGISTRY_URL: registry.url,
      TOKEN_KID_FORMAT: options.kidFormat,
    };
    if (options.credentials === 'users-service') {
      users = await FakeUsersService.start();
      users.add('alice', ACCOUNTS.alice).add('bob', ACCOUNTS.bob).add('root', ACCOUNTS.root, true);
      env['USERS_SERVICE_ADDR'] = users.address;
    } else {
      const file = join(directory, 'users.htpasswd');
      const lines = await Promise.all(
        Object.entries(ACCOUNTS).map(
          async ([name, password]) => `${name}:${await bcrypt.hash(password, 5)}`,
        ),
      );
      await writeFile(file, `${lines.join('\n')}\n`);
      env['USERS_FILE'] = file;
      env['ADMIN_USERS'] = 'root';
    }

    Object.assign(env, options.env);
    const service = await startServiceUnderTest(env, { knownSecrets: Object.values(ACCOUNTS) });
    const serviceEnv = { ...env, MONGODB_URI: service.mongodbUri };
    return new TokenAuthStack(registry, service, key, users, serviceEnv, directory);
  }

  get realm(): string {
    return `${this.service.httpUrl}/auth`;
  }

  /** A token from GET /auth, as docker asks for one. */
  async token(
    scopes: readonly string[],
    credentials?: { username: string; password: string },
  ): Promise<string> {
    const query = new URLSearchParams({ service: TOKEN_SERVICE });
    for (const scope of scopes) query.append('scope', scope);
    const headers: Record<string, string> = {};
    if (credentials !== undefined) {
      headers['authorization'] =
        `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }

    const response = await fetch(`${this.realm}?${query}`, { headers });
    if (response.status !== 200)
      throw new Error(`token request answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { token: string }).token;
  }

  /** The registry's status for `path` with `Authorization: Bearer <token>`. */
  async registryStatus(path: string, token: string | undefined): Promise<number> {
    const headers: Record<string, string> =
      token === undefined ? {} : { authorization: `Bearer ${token}` };
    const response = await fetch(`${this.registry.url}${path}`, { headers });
    await response.arrayBuffer();
    return response.status;
  }

  async dispose(): Promise<void> {
    await this.service.stop();
    await this.users?.stop();
    await this.registry.dispose();
    await rm(this.directory, { recursive: true, force: true });
  }
}
