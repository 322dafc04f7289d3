import { readFileSync } from 'node:fs';
import { posix } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import {
  REGISTRY_CONFIG_FILE,
  SERVICE_ENDPOINT_NAME,
} from '../../scripts/stack/registry-environment.js';
import { loadServiceConfig } from '../../src/application/config/service-config.js';

// No Docker engine runs here: these tests read compose.yaml and the Dockerfile as Compose and
// Docker would, and hold them to the service's configuration and the registry's file.
const ROOT = new URL('../../', import.meta.url).pathname;

interface ComposeService {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(`${ROOT}compose.yaml`, 'utf8')) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const registryConfig = parse(readFileSync(REGISTRY_CONFIG_FILE, 'utf8')) as {
  http: { addr: string };
  storage: { filesystem: { rootdirectory: string }; delete: { enabled: boolean } };
  auth: { token: Record<string, string> };
  notifications: { endpoints: { name: string; url: string }[] };
};
const dockerfile = readFileSync(`${ROOT}Dockerfile`, 'utf8');

const service = compose.services['images-service'] as ComposeService;
const registry = compose.services['registry'] as ComposeService;
const mongo = compose.services['mongo'] as ComposeService;

/** `${NAME:-default}` and `${NAME}` as Compose fills them in, from an empty environment. */
function interpolate(value: string, env: Record<string, string> = {}): string {
  return value.replace(
    /\$\{(\w+)(?::-([^}]*))?\}/g,
    (_, name: string, fallback?: string) => env[name] ?? fallback ?? '',
  );
}

function environmentOf(composeService: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(composeService.environment ?? {}).map(([name, value]) => [
      name,
      interpolate(value),
    ]),
  );
}

/** The container path a named volume or host path is mounted at. */
function mountOf(composeService: ComposeService, source: string): string | undefined {
  const volume = composeService.volumes?.find((entry) => entry.split(':')[0] === source);
  return volume?.split(':')[1];
}

/** The value the Dockerfile's runtime stage gives an ENV variable. */
function dockerfileEnv(name: string): string | undefined {
  return new RegExp(`\\b${name}=(\\S+)`).exec(dockerfile)?.[1];
}

describe('compose.yaml', () => {
  it('runs the official MongoDB, registry 3 and the service built from the Dockerfile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['images-service', 'mongo', 'registry']);
    expect(mongo.image).toMatch(/^mongo:\d/);
    expect(registry.image).toBe('registry:3');
    expect(service.build).toBe('.');
  });

  it('keeps every piece of state in a named volume', () => {
    expect(mountOf(mongo, 'mongo-data')).toBe('/data/db');
    expect(mountOf(registry, 'registry-data')).toBe(
      registryConfig.storage.filesystem.rootdirectory,
    );
    expect(mountOf(service, 'service-data')).toBe(dockerfileEnv('DATA_DIR'));
    expect(Object.keys(compose.volumes).sort()).toEqual([
      'mongo-data',
      'registry-data',
      'service-data',
    ]);
  });

  it('checks MongoDB with a mongosh ping and starts the service only once it answers', () => {
    expect(mongo.healthcheck?.test.join(' ')).toMatch(/^CMD mongosh .*ping/);
    expect(service.depends_on).toEqual({ mongo: { condition: 'service_healthy' } });
  });

  it('starts the registry once the service is healthy, with the certificate it made', () => {
    const certificate = registryConfig.auth.token['rootcertbundle'] as string;
    const dataDir = dockerfileEnv('DATA_DIR') as string;

    expect(registry.depends_on).toEqual({ 'images-service': { condition: 'service_healthy' } });
    expect(certificate).toBe(posix.join(dataDir, 'token', 'signing-cert.pem'));
    expect(registry.volumes).toContain(`service-data:${dataDir}:ro`);
  });

  it('mounts deploy/registry/config.yml where the registry 3 image reads its configuration', () => {
    expect(mountOf(registry, './deploy/registry/config.yml')).toBe('/etc/distribution/config.yml');
  });

  it('publishes the registry, HTTP and gRPC ports FogCore uses', () => {
    expect(registry.ports).toEqual(['5000:5000']);
    expect(service.ports?.sort()).toEqual(['5002:5002', '50050:50050']);
  });

  it('sets only variables the service reads, with values its configuration accepts', () => {
    const env = environmentOf(service);
    const read = new Set<string>();
    const recording = new Proxy(env, {
      get: (target, name) => {
        if (typeof name === 'string') read.add(name);
        return target[name as string];
      },
    });

    expect(() => loadServiceConfig(recording)).not.toThrow();
    expect(Object.keys(env).filter((name) => !read.has(name))).toEqual([]);
  });

  it('points the service and the registry at each other as the registry file does', () => {
    const config = loadServiceConfig({
      ...environmentOf(service),
      HTTP_ADDR: dockerfileEnv('HTTP_ADDR'),
    });
    const endpoint = registryConfig.notifications.endpoints.find(
      (entry) => entry.name === SERVICE_ENDPOINT_NAME,
    );

    expect(registryConfig.auth.token).toMatchObject({
      realm: config.auth.realm.href,
      service: config.auth.service,
      issuer: config.auth.issuer,
    });
    expect(endpoint?.url).toBe(`http://images-service:${config.httpAddress.port}/event`);
    expect(config.registryUrl.href).toBe(
      `http://registry${registryConfig.http.addr.replace(/^[^:]*/, '')}/`,
    );
    expect(registryConfig.storage.delete.enabled).toBe(true);
  });

  it('gives the registry the notification secret the service accepts, on the endpoint the file names', () => {
    const index = registryConfig.notifications.endpoints.findIndex(
      (entry) => entry.name === SERVICE_ENDPOINT_NAME,
    );
    const environments: Record<string, string>[] = [
      {},
      { NOTIFICATION_SECRET: 'a-secret-of-the-operator' },
    ];

    for (const shell of environments) {
      const secret = interpolate(service.environment?.['NOTIFICATION_SECRETS'] ?? '', shell);
      const headers = interpolate(
        registry.environment?.[`REGISTRY_NOTIFICATIONS_ENDPOINTS_${index}_HEADERS`] ?? '',
        shell,
      );
      expect(JSON.parse(headers)).toEqual({ Authorization: [`Bearer ${secret}`] });
    }
  });
});

describe('Dockerfile', () => {
  it('compiles in a build stage and runs the compiled service as the unprivileged node user', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/src\/cli\.js", "start"\]$/m);
  });

  it('reports health with Node through bin/healthcheck.js, since slim images have no curl', () => {
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\\\n\s+CMD \["node", "bin\/healthcheck\.js"\]$/m);
    expect(dockerfile).toMatch(/^COPY bin \.\/bin$/m);
  });

  it('builds with the descriptor set of generated/, which reflection reads from dist/', () => {
    expect(dockerfile).toMatch(/^COPY generated \.\/generated$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
  });
});
