import type { EnvReader } from './env-reader.js';
import { duration } from './notification-config.js';

/** WatchImages: how long its events are kept and how often replicas look for new ones. */
export interface WatchConfig {
  /** WATCH_RETENTION: how long a watcher may stay away and still resume by cursor. */
  readonly retentionMs: number;
  /** WATCH_POLL_INTERVAL: how often each replica reads the event log while anyone watches. */
  readonly pollIntervalMs: number;
}

const SECOND = 1000;
const DAY = 86_400 * SECOND;
const POLL_RANGE = { min: 50, max: 60 * SECOND };

export function loadWatchConfig(reader: EnvReader): WatchConfig {
  return {
    retentionMs:
      duration(reader, 'WATCH_RETENTION', DAY, { min: 60 * SECOND, max: 30 * DAY }) ?? DAY,
    pollIntervalMs: pollInterval(reader),
  };
}

/** `<n>ms` or `<n>s`: the interval is short, so milliseconds are allowed here. */
function pollInterval(reader: EnvReader): number {
  const name = 'WATCH_POLL_INTERVAL';
  const value = reader.optionalString(name);
  if (value === undefined) return SECOND;

  const match = /^(\d{1,6})(ms|s)$/.exec(value);
  const ms = match === null ? Number.NaN : Number(match[1]) * (match[2] === 's' ? SECOND : 1);
  if (ms >= POLL_RANGE.min && ms <= POLL_RANGE.max) return ms;
  return reader.reject(
    name,
    value,
    'expected an interval such as 250ms or 2s, from 50ms to 60s',
    SECOND,
  );
}
