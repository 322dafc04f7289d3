import { describe, expect, it } from 'vitest';

import { loadServiceConfig } from '../../src/application/config/service-config.js';
import { configProblems } from '../support/config-problems.js';

const load = (env: Record<string, string>) => loadServiceConfig(env).watch;

describe('watch configuration', () => {
  it('defaults to a day of retention and a poll every second', () => {
    expect(load({})).toEqual({ retentionMs: 86_400_000, pollIntervalMs: 1000 });
  });

  it.each([
    ['WATCH_RETENTION', '90s', 'retentionMs', 90_000],
    ['WATCH_RETENTION', '6h', 'retentionMs', 6 * 3_600_000],
    ['WATCH_RETENTION', '30d', 'retentionMs', 30 * 86_400_000],
    ['WATCH_RETENTION', '0', 'retentionMs', 86_400_000],
    ['WATCH_POLL_INTERVAL', '50ms', 'pollIntervalMs', 50],
    ['WATCH_POLL_INTERVAL', '250ms', 'pollIntervalMs', 250],
    ['WATCH_POLL_INTERVAL', '60s', 'pollIntervalMs', 60_000],
  ] as const)('reads %s=%s', (variable, value, field, expected) => {
    expect(load({ [variable]: value })[field]).toBe(expected);
  });

  it.each([
    [
      'WATCH_RETENTION',
      '30s',
      'WATCH_RETENTION="30s": expected a duration such as 90s, 15m, 6h or 7d, from 60s to 30d',
    ],
    [
      'WATCH_RETENTION',
      '1w',
      'WATCH_RETENTION="1w": expected a duration such as 90s, 15m, 6h or 7d, from 60s to 30d',
    ],
    [
      'WATCH_POLL_INTERVAL',
      '10ms',
      'WATCH_POLL_INTERVAL="10ms": expected an interval such as 250ms or 2s, from 50ms to 60s',
    ],
    [
      'WATCH_POLL_INTERVAL',
      '2m',
      'WATCH_POLL_INTERVAL="2m": expected an interval such as 250ms or 2s, from 50ms to 60s',
    ],
    [
      'WATCH_POLL_INTERVAL',
      '1000',
      'WATCH_POLL_INTERVAL="1000": expected an interval such as 250ms or 2s, from 50ms to 60s',
    ],
  ])('refuses %s=%s, naming variable and value', (variable, value, problem) => {
    expect(configProblems({ [variable]: value })).toEqual([problem]);
  });
});
