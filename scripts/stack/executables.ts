import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Whether `name` is an executable in one of PATH's directories (or is itself a path to one). */
export async function isExecutableCommand(
  name: string,
  path = process.env['PATH'] ?? '',
): Promise<boolean> {
  const candidates = name.includes('/')
    ? [name]
    : path.split(delimiter).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    const ok = await access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (ok) return true;
  }
  return false;
}
