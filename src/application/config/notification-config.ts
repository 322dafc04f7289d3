import { Secret } from '../../domain/shared/secret.js';
import type { EnvReader } from './env-reader.js';

/** The notification endpoint and reconciliation (issue 4), validated with the rest. */
export interface NotificationConfig {
  /** NOTIFICATION_SECRETS; undefined makes the service generate one under DATA_DIR. */
  readonly secrets: readonly Secret[] | undefined;
  /** EVENT_BODY_LIMIT: the largest envelope accepted, in bytes. */
  readonly bodyLimitBytes: number;
  /** EVENT_REQUESTS_IN_FLIGHT: envelopes stored at once; beyond them `/event` answers 503. */
  readonly requestsInFlight: number;
  /** EVENT_RETENTION: how long processed pull ids and deletions are remembered. */
  readonly eventRetentionMs: number;
  /** RECONCILE_INTERVAL: how often the catalog is reconciled; undefined never. */
  readonly reconcileIntervalMs: number | undefined;
}

const SECOND = 1000;
const DAY = 86_400 * SECOND;
const UNITS: Readonly<Record<string, number>> = {
  s: SECOND,
  m: 60 * SECOND,
  h: 3600 * SECOND,
  d: DAY,
};
const BYTE_UNITS: Readonly<Record<string, number>> = { '': 1, KiB: 1024, MiB: 1024 * 1024 };
const MIN_SECRET_LENGTH = 16;

export function loadNotificationConfig(reader: EnvReader): NotificationConfig {
  return {
    secrets: secrets(reader),
    bodyLimitBytes: bytes(reader, 'EVENT_BODY_LIMIT', 1024 * 1024, {
      min: 1024,
      max: 64 * 1024 * 1024,
    }),
    requestsInFlight: reader.integer('EVENT_REQUESTS_IN_FLIGHT', 64, { min: 1, max: 10_000 }),
    // Longer than a registry keeps retrying an event, so a retry is still recognised.
    eventRetentionMs:
      duration(reader, 'EVENT_RETENTION', 7 * DAY, { min: 60 * SECOND, max: 365 * DAY }) ?? 7 * DAY,
    reconcileIntervalMs: duration(reader, 'RECONCILE_INTERVAL', undefined, {
      min: 60 * SECOND,
      max: 30 * DAY,
    }),
  };
}

function secrets(reader: EnvReader): readonly Secret[] | undefined {
  const value = reader.optionalString('NOTIFICATION_SECRETS');
  if (value === undefined) return undefined;

  const entries = value.split(',').map((entry) => entry.trim());
  // A secret is never quoted back: the problem names its position instead.
  const short = entries.findIndex((entry) => entry.length < MIN_SECRET_LENGTH || /\s/.test(entry));
  if (short !== -1) {
    return reader.reject(
      'NOTIFICATION_SECRETS',
      '***',
      `expected comma-separated secrets of at least ${MIN_SECRET_LENGTH} characters without ` +
        `spaces; secret ${short + 1} of ${entries.length} is not`,
      undefined,
    );
  }
  return entries.map((entry) => new Secret(entry));
}

/** `<n>s`, `<n>m`, `<n>h`, `<n>d` or plain seconds; `0` or unset is `fallback`. */
export function duration(
  reader: EnvReader,
  name: string,
  fallback: number | undefined,
  range: { min: number; max: number },
): number | undefined {
  const value = reader.optionalString(name);
  if (value === undefined || value === '0') return fallback;

  const match = /^(\d{1,9})([smhd]?)$/.exec(value);
  const ms = match === null ? Number.NaN : Number(match[1]) * (UNITS[match[2] || 's'] as number);
  if (ms >= range.min && ms <= range.max) return ms;
  return reader.reject(
    name,
    value,
    'expected a duration such as 90s, 15m, 6h or 7d, ' +
      `from ${range.min / SECOND}s to ${range.max / DAY}d`,
    fallback,
  );
}

/** A byte count, optionally in KiB or MiB. */
function bytes(
  reader: EnvReader,
  name: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  const value = reader.optionalString(name);
  if (value === undefined) return fallback;

  const match = /^(\d{1,12})(KiB|MiB)?$/.exec(value);
  const count =
    match === null ? Number.NaN : Number(match[1]) * (BYTE_UNITS[match[2] ?? ''] as number);
  if (count >= range.min && count <= range.max) return count;
  return reader.reject(
    name,
    value,
    `expected bytes, such as 1048576 or 1MiB, from 1KiB to 64MiB`,
    fallback,
  );
}
