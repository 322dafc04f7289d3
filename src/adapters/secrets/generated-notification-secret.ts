import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { Secret } from '../../domain/shared/secret.js';
import { publishOnce } from '../files/publish-once.js';

const SECRET_FILE = 'notification-secret';

export interface GeneratedNotificationSecret {
  readonly secret: Secret;
  /** The file that holds it, for the log and for `registry-config`. */
  readonly path: string;
  /** Whether this start created the file. */
  readonly created: boolean;
}

/**
 * The secret registries present on `/event` when NOTIFICATION_SECRETS is unset: 32 random bytes
 * in `<dataDir>/notification-secret`, created on first start and reused afterwards, since each
 * registry is configured with it once. A file readable by group or others is refused.
 */
export async function loadOrGenerateNotificationSecret(
  dataDir: string,
): Promise<GeneratedNotificationSecret> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, SECRET_FILE);

  const created = await publishOnce(path, `${randomBytes(32).toString('base64url')}\n`, 0o600);

  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(
      `notification secret "${path}" is accessible by group or others ` +
        `(mode ${mode.toString(8).padStart(4, '0')}): chmod 600 it`,
    );
  }

  const value = (await readFile(path, 'utf8')).trim();
  if (value === '')
    throw new Error(`notification secret "${path}" is empty: delete it to regenerate`);
  return { secret: new Secret(value), path, created };
}
