import { describe, expect, it } from 'vitest';

import { loadServiceConfig } from '../../src/application/config/service-config.js';
import { configProblems } from '../support/config-problems.js';

describe('the token server configuration', () => {
  it("starts from FogCore's defaults when nothing is set", () => {
    const { auth } = loadServiceConfig({});

    expect(auth).toEqual({
      issuer: 'auth.docker.com',
      service: 'registry.docker.com',
      accessTokenTtlSeconds: 300,
      refreshTokenTtlSeconds: 604_800,
      keyFiles: undefined,
      kidFormat: 'jwk-thumbprint',
      realm: new URL('http://127.0.0.1:5002/auth'),
      credentials: { kind: 'none' },
      adminUsers: [],
      pullAllAccounts: [],
      anonymousPull: { kind: 'none' },
      credentialCacheTtlSeconds: 60,
      loginThrottle: { maxFailuresPerAccount: 10, maxFailuresPerAddress: 30, windowSeconds: 300 },
    });
  });

  it('reads every variable it is given', () => {
    const { auth } = loadServiceConfig({
      TOKEN_ISSUER: 'auth.fog.example',
      TOKEN_SERVICE: 'registry.fog.example',
      TOKEN_TTL_SECONDS: '60',
      REFRESH_TOKEN_TTL_SECONDS: '3600',
      TOKEN_KEY_FILE: '/etc/images/key.pem',
      TOKEN_CERT_FILE: '/etc/images/cert.pem',
      TOKEN_KID_FORMAT: 'libtrust',
      TOKEN_REALM: 'https://images.fog.example/auth',
      USERS_SERVICE_ADDR: 'users:50051',
      USERS_SERVICE_TIMEOUT_MS: '1500',
      ADMIN_USERS: 'root, ops ,',
      PULL_ALL_ACCOUNTS: 'scheduling_service',
      ANONYMOUS_PULL: 'library, public',
      CREDENTIAL_CACHE_TTL_SECONDS: '0',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '50',
      LOGIN_FAILURE_WINDOW_SECONDS: '900',
    });

    expect(auth).toEqual({
      issuer: 'auth.fog.example',
      service: 'registry.fog.example',
      accessTokenTtlSeconds: 60,
      refreshTokenTtlSeconds: 3600,
      keyFiles: { keyPath: '/etc/images/key.pem', certificatePath: '/etc/images/cert.pem' },
      kidFormat: 'libtrust',
      realm: new URL('https://images.fog.example/auth'),
      credentials: { kind: 'users-service', address: 'users:50051', timeoutMs: 1500 },
      adminUsers: ['root', 'ops'],
      pullAllAccounts: ['scheduling_service'],
      anonymousPull: { kind: 'namespaces', namespaces: ['library', 'public'] },
      credentialCacheTtlSeconds: 0,
      loginThrottle: { maxFailuresPerAccount: 5, maxFailuresPerAddress: 50, windowSeconds: 900 },
    });
  });

  it.each([
    [{ HTTP_ADDR: '10.0.0.5:8080' }, 'http://10.0.0.5:8080/auth'],
    [{ HTTP_ADDR: '[::]:5002' }, 'http://127.0.0.1:5002/auth'],
    [{ HTTP_ADDR: '[fd00::1]:5002' }, 'http://[fd00::1]:5002/auth'],
  ])('derives the realm from %j', (env, realm) => {
    expect(loadServiceConfig(env).auth.realm.href).toBe(realm);
  });

  it('reads an htpasswd users file', () => {
    expect(loadServiceConfig({ USERS_FILE: '/etc/images/users' }).auth.credentials).toEqual({
      kind: 'htpasswd',
      path: '/etc/images/users',
    });
  });

  it.each([
    [{ ANONYMOUS_PULL: 'all' }, { kind: 'all' }],
    [{ ANONYMOUS_PULL: 'none' }, { kind: 'none' }],
    [{ ANONYMOUS_PULL: 'library' }, { kind: 'namespaces', namespaces: ['library'] }],
  ])('reads %j', (env, expected) => {
    expect(loadServiceConfig(env).auth.anonymousPull).toEqual(expected);
  });

  it.each([
    ['TOKEN_TTL_SECONDS', '59', 'TOKEN_TTL_SECONDS="59": expected an integer from 60 to 86400'],
    ['TOKEN_TTL_SECONDS', 'five', 'TOKEN_TTL_SECONDS="five": expected an integer from 60 to 86400'],
    [
      'REFRESH_TOKEN_TTL_SECONDS',
      '30',
      'REFRESH_TOKEN_TTL_SECONDS="30": expected an integer from 60 to 31536000',
    ],
    ['TOKEN_KID_FORMAT', 'x5t', 'TOKEN_KID_FORMAT="x5t": expected one of libtrust, jwk-thumbprint'],
    [
      'TOKEN_REALM',
      'auth.example/auth',
      'TOKEN_REALM="auth.example/auth": expected a http or https URL',
    ],
    ['TOKEN_KEY_FILE', '/k.pem', 'TOKEN_KEY_FILE="/k.pem": requires TOKEN_CERT_FILE too'],
    ['TOKEN_CERT_FILE', '/c.pem', 'TOKEN_CERT_FILE="/c.pem": requires TOKEN_KEY_FILE too'],
    [
      'USERS_SERVICE_ADDR',
      'http://users:50051',
      'USERS_SERVICE_ADDR="http://users:50051": expected host:port',
    ],
    [
      'USERS_SERVICE_TIMEOUT_MS',
      '10',
      'USERS_SERVICE_TIMEOUT_MS="10": expected an integer from 100 to 60000',
    ],
    [
      'ANONYMOUS_PULL',
      'library,Public',
      'ANONYMOUS_PULL="library,Public": expected none, all or comma-separated namespaces; "Public" is not a namespace',
    ],
    [
      'ANONYMOUS_PULL',
      'library,',
      'ANONYMOUS_PULL="library,": expected none, all or comma-separated namespaces; "" is not a namespace',
    ],
    [
      'CREDENTIAL_CACHE_TTL_SECONDS',
      '3601',
      'CREDENTIAL_CACHE_TTL_SECONDS="3601": expected an integer from 0 to 3600',
    ],
    [
      'LOGIN_MAX_FAILURES_PER_ACCOUNT',
      '0',
      'LOGIN_MAX_FAILURES_PER_ACCOUNT="0": expected an integer from 1 to 10000',
    ],
    [
      'LOGIN_MAX_FAILURES_PER_ADDRESS',
      '-1',
      'LOGIN_MAX_FAILURES_PER_ADDRESS="-1": expected an integer from 1 to 10000',
    ],
    [
      'LOGIN_FAILURE_WINDOW_SECONDS',
      '0',
      'LOGIN_FAILURE_WINDOW_SECONDS="0": expected an integer from 1 to 86400',
    ],
  ])('rejects %s=%s with a message naming both', (name, value, problem) => {
    expect(configProblems({ [name]: value })).toEqual([problem]);
  });

  it('refuses a users file and a Users Service at once', () => {
    expect(configProblems({ USERS_FILE: '/u', USERS_SERVICE_ADDR: 'users:1' })).toEqual([
      'USERS_FILE="/u": cannot be used together with USERS_SERVICE_ADDR',
    ]);
  });
});
