import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, ServerProcess, toolPath } from './processes.js';

/** The registries the service must work with: Debian's distribution 2.8 and distribution 3. */
export type RegistryVersion = '2.8' | '3';
export const REGISTRY_VERSIONS: readonly RegistryVersion[] = ['2.8', '3'];

/** `auth.token` of the registry's configuration; `jwks` is understood by 3.x only. */
export interface RegistryTokenAuth {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  readonly rootcertbundle?: string;
  readonly jwks?: string;
  readonly signingalgorithms?: readonly string[];
  readonly autoredirect?: boolean;
}

/** One entry of `notifications.endpoints` in the registry's configuration. */
export interface RegistryNotificationEndpoint {
  readonly name: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  readonly timeout?: string;
  readonly threshold?: number;
  readonly backoff?: string;
  readonly ignoredmediatypes?: readonly string[];
  readonly ignore?: {
    readonly mediatypes?: readonly string[];
    readonly actions?: readonly string[];
  };
}

/**
 * Configuration sections a test adds to the registry's own, spelled as the registry spells them
 * (https://distribution.github.io/distribution/about/configuration/). `extra` is merged last, for
 * anything without a field here.
 */
export interface RegistryConfigSections {
  readonly auth?: { readonly token: RegistryTokenAuth };
  readonly notifications?: {
    readonly events?: { readonly includereferences?: boolean };
    readonly endpoints: readonly RegistryNotificationEndpoint[];
  };
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface RegistryServerOptions extends RegistryConfigSections {
  readonly version: RegistryVersion;
}

/** A registry configuration file of the repository's own, adapted to loopback by variables. */
export interface RegistryFromFileOptions {
  readonly version: RegistryVersion;
  readonly configFile: string;
  readonly environment: (place: {
    readonly address: string;
    readonly storageDirectory: string;
  }) => Promise<Record<string, string>>;
}

/** Every manifest kind the test images use, so that HEAD requests see them as pushed. */
const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/**
 * A Docker Registry of a test's own on a free loopback port, storing on the filesystem in a
 * temporary directory with deletes enabled. Its storage survives stop and restart; `dispose`
 * removes it.
 */
export class RegistryServer {
  private constructor(
    readonly version: RegistryVersion,
    readonly port: number,
    private readonly process: ServerProcess,
    private readonly directory: string,
  ) {}

  static async start(options: RegistryServerOptions): Promise<RegistryServer> {
    const directory = await mkdtemp(join(tmpdir(), `registry-${options.version}-`));
    const port = await freePort();

    // JSON is YAML too: both versions read this file as their YAML configuration.
    const configPath = join(directory, 'config.yml');
    await writeFile(configPath, JSON.stringify(registryConfig(options, directory, port), null, 2));

    const serverProcess = new ServerProcess(
      `registry ${options.version}`,
      registryBinary(options.version),
      ['serve', configPath],
      port,
    );
    return RegistryServer.launch(options.version, port, serverProcess, directory);
  }

  /**
   * A registry running `configFile` as it is on disk, with the REGISTRY_* variables that
   * `environment` derives from the loopback address and storage directory chosen here.
   */
  static async startFromFile(options: RegistryFromFileOptions): Promise<RegistryServer> {
    const directory = await mkdtemp(join(tmpdir(), `registry-${options.version}-`));
    const port = await freePort();
    const environment = await options.environment({
      address: `127.0.0.1:${port}`,
      storageDirectory: join(directory, 'storage'),
    });

    const serverProcess = new ServerProcess(
      `registry ${options.version}`,
      registryBinary(options.version),
      ['serve', options.configFile],
      port,
      { ...process.env, ...environment },
    );
    return RegistryServer.launch(options.version, port, serverProcess, directory);
  }

  private static async launch(
    version: RegistryVersion,
    port: number,
    serverProcess: ServerProcess,
    directory: string,
  ): Promise<RegistryServer> {
    const server = new RegistryServer(version, port, serverProcess, directory);
    try {
      await serverProcess.start();
    } catch (error) {
      await server.dispose();
      throw error;
    }
    return server;
  }

  /** `127.0.0.1:<port>`, as image references and skopeo name the registry. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The base URL for REGISTRY_URL and HTTP clients. */
  get url(): string {
    return `http://${this.host}`;
  }

  /** What the registry printed so far, for failure messages. */
  get log(): string {
    return this.process.log;
  }

  /** The status of a HEAD request for the manifest: 200 while it can be pulled, 404 once gone. */
  async manifestStatus(repository: string, reference: string): Promise<number> {
    const response = await fetch(`${this.url}/v2/${repository}/manifests/${reference}`, {
      method: 'HEAD',
      headers: { accept: MANIFEST_ACCEPT },
    });
    return response.status;
  }

  /** The repository's tags as the registry lists them; empty when it has none. */
  async tags(repository: string): Promise<string[]> {
    const response = await fetch(`${this.url}/v2/${repository}/tags/list`);
    if (response.status === 404) return [];
    if (response.status !== 200) {
      throw new Error(
        `registry ${this.version} answered ${response.status} listing "${repository}"`,
      );
    }
    const body = (await response.json()) as { tags?: string[] | null };
    return (body.tags ?? []).sort();
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }

  /** Starts the stopped registry again on the same port and storage. */
  async restart(): Promise<void> {
    await this.process.start();
  }

  async dispose(): Promise<void> {
    await this.process.stop();
    await rm(this.directory, { recursive: true, force: true });
  }
}

function registryBinary(version: RegistryVersion): string {
  return version === '2.8'
    ? toolPath('REGISTRY2_BIN', 'docker-registry')
    : toolPath('REGISTRY3_BIN', 'registry');
}

function registryConfig(
  options: RegistryServerOptions,
  directory: string,
  port: number,
): Record<string, unknown> {
  const base: Record<string, unknown> = {
    version: '0.1',
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: join(directory, 'storage') },
      delete: { enabled: true },
      // Upload purging is a background job that tests have no use for.
      maintenance: { uploadpurging: { enabled: false } },
    },
    // A fixed secret keeps the registry from warning that it generated one.
    http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex') },
  };

  const sections: Record<string, unknown> = {};
  if (options.auth !== undefined) sections['auth'] = options.auth;
  if (options.notifications !== undefined) sections['notifications'] = options.notifications;
  return mergeSections(mergeSections(base, sections), options.extra ?? {});
}

/** Merges nested plain objects key by key; any other value (arrays included) replaces. */
export function mergeSections(
  base: Readonly<Record<string, unknown>>,
  added: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(added)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(current) && isPlainObject(value) ? mergeSections(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
