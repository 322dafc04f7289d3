import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

describe('generated/', () => {
  const scratch = mkdtemp(join(tmpdir(), 'generated-'));

  afterAll(async () => rm(await scratch, { recursive: true, force: true }));

  it('equals what npm run generate produces from protos/ today, descriptor set included', async () => {
    const out = await scratch;

    // The very script `npm run generate` runs, writing elsewhere.
    await run(join(ROOT, 'scripts/generate.sh'), [out], { cwd: ROOT });

    const committed = (await readdir(join(ROOT, 'generated'))).sort();
    const fresh = (await readdir(join(out, 'generated'))).sort();
    expect(fresh).toEqual(committed);
    expect(committed).toContain('images_api.binpb');
    for (const name of committed) {
      const expected = await readFile(join(out, 'generated', name));
      const actual = await readFile(join(ROOT, 'generated', name));
      expect(actual.equals(expected), `generated/${name} is stale: run npm run generate`).toBe(
        true,
      );
    }
  });
});
