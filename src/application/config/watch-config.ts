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
    pollIntervalMs: reader.milliseconds('WATCH_POLL_INTERVAL', SECOND, POLL_RANGE),
  };
}
