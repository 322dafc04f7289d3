import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

// A JWS (header.payload.signature) or JWE (five parts): what issued tokens look like.
const TOKEN = /eyJ[\w-]{8,}\.[\w-]*\.[\w-]{8,}/;
// Credentials as clients send them, whatever header or field they ended up in.
const CREDENTIALS = /\b(?:Basic|Bearer) (?!\*\*\*)[A-Za-z0-9+/=._-]{8,}/;

/**
 * The log lines that give away a secret: one of `known` (passwords, notification secrets),
 * anything shaped like an issued token, or credentials as an Authorization header carries them.
 * Every test that starts the service runs this on its log when it stops it, so that the whole
 * end-to-end suite proves that no secret reached a log.
 */
export function secretLeaks(lines: readonly string[], known: readonly string[]): string[] {
  const secrets = known.filter((secret) => secret.length >= 8);
  return lines.filter(
    (line) =>
      TOKEN.test(line) || CREDENTIALS.test(line) || secrets.some((secret) => line.includes(secret)),
  );
}

/** The secrets a service's environment gives it, and the ones it generated under DATA_DIR. */
export async function environmentSecrets(env: Readonly<Record<string, string>>): Promise<string[]> {
  const secrets = (env['NOTIFICATION_SECRETS'] ?? '').split(',').map((secret) => secret.trim());
  const dataDir = env['DATA_DIR'];
  if (dataDir !== undefined) {
    const generated = await readFile(join(dataDir, 'notification-secret'), 'utf8').catch(() => '');
    secrets.push(generated.trim());
  }
  return secrets.filter((secret) => secret !== '');
}

/** Throws, quoting the first offending lines, when `secretLeaks` finds any. */
export function assertNoSecretLeaks(
  who: string,
  lines: readonly string[],
  known: readonly string[],
): void {
  const leaks = secretLeaks(lines, known);
  if (leaks.length === 0) return;
  // The lines are shown cut: the point is where, not to spread the secret further.
  const shown = leaks.slice(0, 3).map((line) => line.slice(0, 160));
  throw new Error(`${who} logged ${leaks.length} line(s) holding a secret:\n${shown.join('\n')}`);
}
