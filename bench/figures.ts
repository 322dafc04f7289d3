/** How the soak's and the results section's figures read, the same in both. */

/** Milliseconds, or seconds from one second on; `n/a` when nothing was measured. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ms`;
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A ratio as a percentage, `0.1` as `10.0 %`. */
export function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

/** A change as a signed percentage, `0.05` as `+5.0 %`. */
export function signedPercent(value: number): string {
  return `${value >= 0 ? '+' : ''}${percent(value)}`;
}
