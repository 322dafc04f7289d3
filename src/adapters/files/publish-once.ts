import { randomBytes } from 'node:crypto';
import { link, unlink, writeFile } from 'node:fs/promises';

/**
 * Creates `path` with `content` unless it exists. The file is written whole under a temporary
 * name, then linked into place, which fails rather than overwrite: two processes starting at
 * once on one DATA_DIR end up sharing one file, and neither reads it half-written. Resolves to
 * whether this process's file won.
 */
export async function publishOnce(path: string, content: string, mode: number): Promise<boolean> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, content, { mode, flag: 'wx' });

  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary);
  }
}
