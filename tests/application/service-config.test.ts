import { describe, expect, it } from 'vitest';

import { loadServiceConfig } from '../../src/application/config/service-config.js';
import { configProblems } from '../support/config-problems.js';

describe('loadServiceConfig', () => {
  it("starts from FogCore's defaults when nothing is set", () => {
    const config = loadServiceConfig({});

    expect(config).toMatchObject({
      mongodbUri: undefined,
      dataDir: './data',
      grpcAddress: { host: '0.0.0.0', port: 50050 },
      httpAddress: { host: '0.0.0.0', port: 5002 },
      logLevel: 'info',
      mongodbTimeoutMs: 3000,
      mongodbPoolSize: 32,
      catalogCache: { ttlMs: 5000, maxEntries: 10_000 },
    });
    expect(config.registryUrl.href).toBe('http://127.0.0.1:5000/');
  });

  it('reads every variable it is given', () => {
    const config = loadServiceConfig({
      MONGODB_URI: 'mongodb://db.internal:27017/images',
      DATA_DIR: '/var/lib/images',
      GRPC_ADDR: '[::]:6000',
      HTTP_ADDR: '127.0.0.1:0',
      REGISTRY_URL: 'https://registry.fog.example:5000',
      LOG_LEVEL: 'debug',
      MONGODB_POOL_SIZE: '8',
      CATALOG_CACHE_TTL: '250ms',
      CATALOG_CACHE_ENTRIES: '500',
    });

    expect(config).toMatchObject({
      mongodbUri: 'mongodb://db.internal:27017/images',
      dataDir: '/var/lib/images',
      grpcAddress: { host: '::', port: 6000 },
      httpAddress: { host: '127.0.0.1', port: 0 },
      logLevel: 'debug',
      mongodbPoolSize: 8,
      catalogCache: { ttlMs: 250, maxEntries: 500 },
    });
    expect(config.registryUrl.origin).toBe('https://registry.fog.example:5000');
  });

  it('treats an empty value as unset', () => {
    expect(loadServiceConfig({ MONGODB_URI: '', LOG_LEVEL: '' })).toMatchObject({
      mongodbUri: undefined,
      logLevel: 'info',
    });
  });

  it.each([
    ['GRPC_ADDR', '50050', 'GRPC_ADDR="50050": expected host:port, such as 0.0.0.0:50050'],
    ['GRPC_ADDR', 'localhost:70000', 'GRPC_ADDR="localhost:70000": expected host:port'],
    ['HTTP_ADDR', 'http://0.0.0.0:5002', 'HTTP_ADDR="http://0.0.0.0:5002": expected host:port'],
    ['REGISTRY_URL', 'registry:5000', 'REGISTRY_URL="registry:5000": expected a http or https URL'],
    [
      'REGISTRY_URL',
      'ftp://registry',
      'REGISTRY_URL="ftp://registry": expected a http or https URL',
    ],
    [
      'LOG_LEVEL',
      'verbose',
      'LOG_LEVEL="verbose": expected one of fatal, error, warn, info, debug, trace, silent',
    ],
    [
      'MONGODB_URI',
      'postgres://db',
      'MONGODB_URI="postgres://db": expected a mongodb:// or mongodb+srv:// URI',
    ],
    ['MONGODB_TIMEOUT_MS', '-5', 'MONGODB_TIMEOUT_MS="-5": expected an integer from 100 to 600000'],
    [
      'REGISTRY_TIMEOUT_MS',
      '1.5',
      'REGISTRY_TIMEOUT_MS="1.5": expected an integer from 100 to 600000',
    ],
    ['MONGODB_POOL_SIZE', '0', 'MONGODB_POOL_SIZE="0": expected an integer from 1 to 1000'],
    [
      'CATALOG_CACHE_TTL',
      '5m',
      'CATALOG_CACHE_TTL="5m": expected an interval such as 250ms or 2s, from 0ms to 60s',
    ],
    [
      'CATALOG_CACHE_TTL',
      '2000',
      'CATALOG_CACHE_TTL="2000": expected an interval such as 250ms or 2s, from 0ms to 60s',
    ],
    [
      'CATALOG_CACHE_ENTRIES',
      'many',
      'CATALOG_CACHE_ENTRIES="many": expected an integer from 1 to 1000000',
    ],
  ])('rejects %s=%s with a message naming both', (name, value, problem) => {
    expect(configProblems({ [name]: value })).toEqual([expect.stringContaining(problem)]);
  });

  it('turns the catalog cache off with CATALOG_CACHE_TTL=0', () => {
    expect(loadServiceConfig({ CATALOG_CACHE_TTL: '0' }).catalogCache.ttlMs).toBe(0);
  });

  it('reports every bad variable at once', () => {
    expect(configProblems({ GRPC_ADDR: 'x', HTTP_ADDR: 'y', LOG_LEVEL: 'z' })).toHaveLength(3);
  });

  it('never repeats a password from a bad MONGODB_URI', () => {
    const problems = configProblems({ MONGODB_URI: 'mysql://admin:hunter2@db/images' });

    expect(problems).toEqual([
      'MONGODB_URI="mysql://admin:***@db/images": expected a mongodb:// or mongodb+srv:// URI',
    ]);
  });
});
