import { isExecutableCommand } from './executables.js';
import { ferretDbSqliteArguments } from './ferretdb-arguments.js';
import { freeLoopbackPort } from './ports.js';
import type { RegistryMajorVersion } from './registry-environment.js';
import { StackProcess } from './stack-process.js';

/** A FerretDB on SQLite files under `directory`, on a free loopback port. */
export async function startFerretDb(
  binary: string,
  directory: string,
  options: { readonly env: NodeJS.ProcessEnv; readonly logPath: string },
): Promise<{ readonly process: StackProcess; readonly port: number; readonly uri: string }> {
  const port = await freeLoopbackPort();
  const ferretdb = await StackProcess.spawn(
    'FerretDB',
    binary,
    ferretDbSqliteArguments(directory, port, 'warn'),
    options,
  );
  return { process: ferretdb, port, uri: `mongodb://127.0.0.1:${port}/images` };
}

export interface RegistryBinary {
  readonly version: RegistryMajorVersion;
  readonly binary: string;
  readonly label: string;
}

/** Registry 3.x when scripts/setup.sh built it, else Debian's docker-registry 2.8. */
export async function registryBinary(env: NodeJS.ProcessEnv): Promise<RegistryBinary> {
  const v3 = env['REGISTRY3_BIN'];
  if (v3 !== undefined && v3 !== '' && (await isExecutableCommand(v3))) {
    return { version: '3', binary: v3, label: env['REGISTRY3_VERSION'] ?? '3.x' };
  }
  const v2 = env['REGISTRY2_BIN'] || 'docker-registry';
  if (await isExecutableCommand(v2)) return { version: '2.8', binary: v2, label: '2.8' };
  throw new Error('no Docker Registry found: run scripts/setup.sh, or set REGISTRY3_BIN');
}

/**
 * The environment for the registry: the stack's, without the service's REGISTRY_URL and
 * REGISTRY_TIMEOUT_MS, which the registry would read as settings of its own and warn about.
 */
export function registryProcessEnvironment(
  env: NodeJS.ProcessEnv,
  overrides: Readonly<Record<string, string>>,
): NodeJS.ProcessEnv {
  const { REGISTRY_URL: _url, REGISTRY_TIMEOUT_MS: _timeout, ...rest } = env;
  return { ...rest, ...overrides };
}

/** `grpcurl` when it is on PATH, else the one scripts/setup.sh builds ($GRPCURL_BIN), if any. */
export async function grpcurlCommand(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (await isExecutableCommand('grpcurl', env['PATH'])) return 'grpcurl';
  const built = env['GRPCURL_BIN'];
  return built !== undefined && built !== '' && (await isExecutableCommand(built))
    ? built
    : undefined;
}
