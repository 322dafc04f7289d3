/**
 * Quotes a value for an error message. Values longer than `max` characters are cut and their
 * length given instead, so that one request cannot make the answer and the log many times
 * larger than what it sent (a gRPC message may hold 4 MiB of name); every value a rule accepts
 * is far shorter, so a cut never hides the part that broke the rule's reading.
 */
export function quote(value: string, max = 512): string {
  if (value.length <= max) return `"${value}"`;
  return `"${value.slice(0, max)}…" (${value.length} characters)`;
}

/** The value as error fields keep it for the log: cut like `quote`, without the quotes. */
export function shortened(value: string, max = 512): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}
