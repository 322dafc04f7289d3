import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { format, resolveConfig } from 'prettier';

/** Where the benchmarks leave their figures as JSON, for `npm run report`. */
export const RESULTS_DIRECTORY = fileURLToPath(new URL('results/', import.meta.url));

/** bench/results/<name>.json */
export function resultsPath(name: string): string {
  return `${RESULTS_DIRECTORY}${name}.json`;
}

/**
 * Writes a benchmark's figures as JSON, formatted as `prettier --check` wants it: the files are
 * committed with the README tables made of them.
 */
export async function writeResults(file: string, figures: unknown): Promise<void> {
  const options = { ...(await resolveConfig(file)), parser: 'json' };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, await format(JSON.stringify(figures), options));
}

/** Reads figures a benchmark wrote; undefined when it has not run here yet. */
export async function readResults<T>(file: string): Promise<T | undefined> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  return text === undefined ? undefined : (JSON.parse(text) as T);
}
