import { describe, expect, it } from 'vitest';

import { loadServiceConfig } from '../../src/application/config/service-config.js';
import { configProblems } from '../support/config-problems.js';

const load = (env: Record<string, string>) => loadServiceConfig(env).notifications;

describe('notification configuration', () => {
  it('defaults to a generated secret, a 1 MiB body limit, 64 envelopes in flight, a week of retention and no reconciling', () => {
    const config = load({});

    expect(config).toEqual({
      secrets: undefined,
      bodyLimitBytes: 1024 * 1024,
      requestsInFlight: 64,
      eventRetentionMs: 7 * 86_400_000,
      reconcileIntervalMs: undefined,
    });
  });

  it('reads several comma-separated secrets and keeps them out of printing', () => {
    const config = load({
      NOTIFICATION_SECRETS: 'first-secret-0123456789, second-secret-0123456789',
    });

    expect(config.secrets?.map((secret) => secret.reveal())).toEqual([
      'first-secret-0123456789',
      'second-secret-0123456789',
    ]);
    expect(JSON.stringify(config)).not.toContain('first-secret');
  });

  it.each([
    ['EVENT_BODY_LIMIT', '2048', 'bodyLimitBytes', 2048],
    ['EVENT_BODY_LIMIT', '64KiB', 'bodyLimitBytes', 65_536],
    ['EVENT_BODY_LIMIT', '4MiB', 'bodyLimitBytes', 4 * 1024 * 1024],
    ['EVENT_RETENTION', '90s', 'eventRetentionMs', 90_000],
    ['EVENT_RETENTION', '36h', 'eventRetentionMs', 36 * 3_600_000],
    ['EVENT_RETENTION', '3600', 'eventRetentionMs', 3_600_000],
    ['RECONCILE_INTERVAL', '15m', 'reconcileIntervalMs', 900_000],
    ['RECONCILE_INTERVAL', '1d', 'reconcileIntervalMs', 86_400_000],
    ['RECONCILE_INTERVAL', '0', 'reconcileIntervalMs', undefined],
    ['EVENT_REQUESTS_IN_FLIGHT', '1', 'requestsInFlight', 1],
    ['EVENT_REQUESTS_IN_FLIGHT', '500', 'requestsInFlight', 500],
  ] as const)('reads %s=%s', (variable, value, field, expected) => {
    expect(load({ [variable]: value })[field]).toEqual(expected);
  });

  it.each([
    [
      'EVENT_BODY_LIMIT',
      '1MB',
      'EVENT_BODY_LIMIT="1MB": expected bytes, such as 1048576 or 1MiB, from 1KiB to 64MiB',
    ],
    [
      'EVENT_BODY_LIMIT',
      '100',
      'EVENT_BODY_LIMIT="100": expected bytes, such as 1048576 or 1MiB, from 1KiB to 64MiB',
    ],
    [
      'EVENT_BODY_LIMIT',
      '65MiB',
      'EVENT_BODY_LIMIT="65MiB": expected bytes, such as 1048576 or 1MiB, from 1KiB to 64MiB',
    ],
    [
      'EVENT_RETENTION',
      '1w',
      'EVENT_RETENTION="1w": expected a duration such as 90s, 15m, 6h or 7d, from 60s to 365d',
    ],
    [
      'EVENT_RETENTION',
      '10s',
      'EVENT_RETENTION="10s": expected a duration such as 90s, 15m, 6h or 7d, from 60s to 365d',
    ],
    [
      'RECONCILE_INTERVAL',
      '-5m',
      'RECONCILE_INTERVAL="-5m": expected a duration such as 90s, 15m, 6h or 7d, from 60s to 30d',
    ],
    [
      'RECONCILE_INTERVAL',
      '31d',
      'RECONCILE_INTERVAL="31d": expected a duration such as 90s, 15m, 6h or 7d, from 60s to 30d',
    ],
    [
      'EVENT_REQUESTS_IN_FLIGHT',
      '0',
      'EVENT_REQUESTS_IN_FLIGHT="0": expected an integer from 1 to 10000',
    ],
  ])('refuses %s=%s naming the variable and the value', (variable, value, problem) => {
    expect(configProblems({ [variable]: value })).toEqual([problem]);
  });

  it('refuses a short secret by its position, never quoting it', () => {
    const found = configProblems({ NOTIFICATION_SECRETS: 'long-enough-secret-0123,short' });

    expect(found).toEqual([
      'NOTIFICATION_SECRETS="***": expected comma-separated secrets of at least 16 characters ' +
        'without spaces; secret 2 of 2 is not',
    ]);
    expect(found.join('')).not.toContain('short');
  });
});
