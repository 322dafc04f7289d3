import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

describe('generated/', () => {
  const scratch = mkdtemp(join(tmpdir(), 'generated-'));

  afterAll(async () => rm(await scratch, { recursive: true, force: true }));

  it('equals what buf generate produces from protos/ today', async () => {
    const out = await scratch;
    const template = (await readFile(join(ROOT, 'buf.gen.yaml'), 'utf8')).replace(
      /out: generated/,
      `out: ${out}`,
    );
    await writeFile(join(out, 'buf.gen.yaml'), template);

    await run('npx', ['buf', 'generate', '--template', join(out, 'buf.gen.yaml')], { cwd: ROOT });

    const committed = (await readdir(join(ROOT, 'generated'))).sort();
    const fresh = (await readdir(out)).filter((name) => name !== 'buf.gen.yaml').sort();
    expect(fresh).toEqual(committed);
    for (const name of committed) {
      const expected = await readFile(join(out, name), 'utf8');
      expect(
        await readFile(join(ROOT, 'generated', name), 'utf8'),
        `generated/${name} is stale: run npm run generate`,
      ).toBe(expected);
    }
  });
});
