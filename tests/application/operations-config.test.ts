import { describe, expect, it } from 'vitest';

import { loadServiceConfig } from '../../src/application/config/service-config.js';
import { configProblems } from '../support/config-problems.js';

describe('SHUTDOWN_TIMEOUT, TLS_CERT_FILE, TLS_KEY_FILE and GRPC_CALLS_IN_FLIGHT', () => {
  it('waits 10 s for calls in flight, serves plaintext and 256 calls at once when nothing is set', () => {
    expect(loadServiceConfig({}).operations).toEqual({
      shutdownTimeoutMs: 10_000,
      tls: undefined,
      grpcCallsInFlight: 256,
    });
  });

  it('reads GRPC_CALLS_IN_FLIGHT and refuses one out of range, quoting it', () => {
    expect(loadServiceConfig({ GRPC_CALLS_IN_FLIGHT: '8' }).operations.grpcCallsInFlight).toBe(8);
    expect(configProblems({ GRPC_CALLS_IN_FLIGHT: '0' })).toEqual([
      'GRPC_CALLS_IN_FLIGHT="0": expected an integer from 1 to 100000',
    ]);
  });

  it.each([
    ['30s', 30_000],
    ['2m', 120_000],
    ['45', 45_000],
    ['1d', 86_400_000],
    ['0', 10_000],
  ])('reads SHUTDOWN_TIMEOUT=%s as %i ms', (value, expected) => {
    expect(loadServiceConfig({ SHUTDOWN_TIMEOUT: value }).operations.shutdownTimeoutMs).toBe(
      expected,
    );
  });

  it.each(['10 s', '-5s', '0.5s', '2d', 'soon'])(
    'refuses SHUTDOWN_TIMEOUT=%s, quoting it',
    (value) => {
      expect(configProblems({ SHUTDOWN_TIMEOUT: value })).toEqual([
        `SHUTDOWN_TIMEOUT="${value}": expected a duration such as 90s, 15m, 6h or 7d, ` +
          'from 1s to 1d',
      ]);
    },
  );

  it('reads the certificate and key files when both are set', () => {
    const config = loadServiceConfig({
      TLS_CERT_FILE: '/etc/images/tls.crt',
      TLS_KEY_FILE: '/etc/images/tls.key',
    });

    expect(config.operations.tls).toEqual({
      certificatePath: '/etc/images/tls.crt',
      keyPath: '/etc/images/tls.key',
    });
  });

  it.each([
    [
      { TLS_CERT_FILE: '/etc/images/tls.crt' },
      'TLS_CERT_FILE="/etc/images/tls.crt": requires TLS_KEY_FILE too',
    ],
    [
      { TLS_KEY_FILE: '/etc/images/tls.key' },
      'TLS_KEY_FILE="/etc/images/tls.key": requires TLS_CERT_FILE too',
    ],
  ])('refuses half a TLS setup: %o', (env, problem) => {
    expect(configProblems(env)).toEqual([problem]);
  });

  it('makes the default token realm https when the HTTP listener serves TLS', () => {
    const tls = { TLS_CERT_FILE: '/etc/images/tls.crt', TLS_KEY_FILE: '/etc/images/tls.key' };

    expect(loadServiceConfig(tls).auth.realm.href).toBe('https://127.0.0.1:5002/auth');
    expect(loadServiceConfig({}).auth.realm.href).toBe('http://127.0.0.1:5002/auth');
    expect(
      loadServiceConfig({ ...tls, TOKEN_REALM: 'https://registry.fog.example/auth' }).auth.realm
        .href,
    ).toBe('https://registry.fog.example/auth');
  });
});
