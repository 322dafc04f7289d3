import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { parse } from 'yaml';

/** The registry configuration compose.yaml mounts, and the one tests and `npm run stack` run. */
export const REGISTRY_CONFIG_FILE = fileURLToPath(
  new URL('../../deploy/registry/config.yml', import.meta.url),
);

/** The notification endpoint of the file that points at the service. */
export const SERVICE_ENDPOINT_NAME = 'images-service';

export type RegistryMajorVersion = '2.8' | '3';

/** What differs between compose's network and one machine's loopback. */
export interface LoopbackRegistrySettings {
  readonly version: RegistryMajorVersion;
  /** `host:port` the registry listens on. */
  readonly address: string;
  /** The service's token endpoint, as clients on this machine reach it. */
  readonly realm: string;
  /** The certificate the service signs tokens with (its DATA_DIR/token/signing-cert.pem). */
  readonly certificatePath: string;
  readonly storageDirectory: string;
  /** The service's /event. */
  readonly notificationUrl: string;
  /** One of the service's NOTIFICATION_SECRETS. */
  readonly notificationSecret: string;
}

/**
 * The REGISTRY_* variables that run REGISTRY_CONFIG_FILE, unchanged on disk, on loopback. The
 * registry reads a variable for any field of its configuration; list items are the exception:
 * 3.x accepts an index (`..._ENDPOINTS_0_URL`, as compose.yaml uses for the secret), 2.8 only
 * the whole list, which is then the file's own list with the service's url and secret put in.
 */
export async function loopbackRegistryEnvironment(
  settings: LoopbackRegistrySettings,
  configFile: string = REGISTRY_CONFIG_FILE,
): Promise<Record<string, string>> {
  const endpoints = await notificationEndpoints(configFile);
  const index = endpoints.findIndex((endpoint) => endpoint['name'] === SERVICE_ENDPOINT_NAME);
  if (index === -1) {
    throw new Error(
      `${configFile} has no notification endpoint named "${SERVICE_ENDPOINT_NAME}" ` +
        'to point at the service',
    );
  }
  const headers = { Authorization: [`Bearer ${settings.notificationSecret}`] };

  const environment: Record<string, string> = {
    REGISTRY_HTTP_ADDR: settings.address,
    // Fixed per run, so the registry does not warn that it made one up.
    REGISTRY_HTTP_SECRET: randomBytes(16).toString('hex'),
    REGISTRY_AUTH_TOKEN_REALM: settings.realm,
    REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE: settings.certificatePath,
    REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY: settings.storageDirectory,
  };

  // Values are YAML to the registry, and JSON is YAML.
  if (settings.version === '3') {
    environment[`REGISTRY_NOTIFICATIONS_ENDPOINTS_${index}_URL`] = settings.notificationUrl;
    environment[`REGISTRY_NOTIFICATIONS_ENDPOINTS_${index}_HEADERS`] = JSON.stringify(headers);
  } else {
    const replaced = endpoints.map((endpoint, position) =>
      position === index ? { ...endpoint, url: settings.notificationUrl, headers } : endpoint,
    );
    environment['REGISTRY_NOTIFICATIONS_ENDPOINTS'] = JSON.stringify(replaced);
  }
  return environment;
}

async function notificationEndpoints(configFile: string): Promise<Record<string, unknown>[]> {
  const config = parse(await readFile(configFile, 'utf8')) as {
    notifications?: { endpoints?: unknown };
  } | null;
  const endpoints = config?.notifications?.endpoints;
  if (!Array.isArray(endpoints)) {
    throw new Error(`${configFile} has no notifications.endpoints list`);
  }
  return endpoints as Record<string, unknown>[];
}
