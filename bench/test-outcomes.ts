import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One test as vitest's JSON reporter describes it. */
export interface TestOutcome {
  /** The file, relative to the repository, with forward slashes. */
  readonly file: string;
  readonly ancestorTitles: readonly string[];
  readonly title: string;
  readonly status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo' | 'disabled';
  /** What the test recorded in `task.meta` (a property test may record `propertyRuns`). */
  readonly meta: Readonly<Record<string, unknown>>;
}

interface JsonReport {
  readonly testResults: readonly {
    readonly name: string;
    readonly assertionResults: readonly Omit<TestOutcome, 'file'>[];
  }[];
}

/**
 * Runs `files` with vitest and its JSON reporter, in the environment of this process (the
 * suite's MONGODB_URI and tool paths), and returns every test's outcome, files in path order
 * and tests in the order of each file. vitest's own output goes to stderr.
 */
export async function runTests(files: readonly string[]): Promise<TestOutcome[]> {
  const directory = await mkdtemp(join(tmpdir(), 'report-'));
  const output = join(directory, 'vitest.json');
  try {
    const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
    const args = [vitest, 'run', '--reporter=json', `--outputFile=${output}`, ...files];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 2, 2] });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', () => resolve());
    });

    // A failing test still writes the report; a missing report means vitest itself failed.
    const report = JSON.parse(await readFile(output, 'utf8').catch(() => 'null')) as JsonReport;
    if (report === null) throw new Error(`vitest wrote no report for ${files.join(', ')}`);
    return [...report.testResults]
      .map((result) => ({ ...result, file: relative(ROOT, result.name).split('\\').join('/') }))
      .sort((a, b) => a.file.localeCompare(b.file))
      .flatMap((result) => result.assertionResults.map((test) => ({ ...test, file: result.file })));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * How many runs each `it(...)` of a property test file asks fast-check for: the `numRuns` after
 * the test's title, a number or a constant of the file (`const RUNS = 10_000`). Keyed by title;
 * tests that set none are left out.
 */
export async function declaredRuns(file: string): Promise<Map<string, number>> {
  const source = await readFile(join(ROOT, file), 'utf8');
  const constants = new Map(
    [...source.matchAll(/^(?:export )?const ([A-Z_][A-Z0-9_]*) = ([\d_]+);/gm)].map((match) => [
      match[1] as string,
      Number((match[2] as string).replaceAll('_', '')),
    ]),
  );

  const runs = new Map<string, number>();
  const tests = [...source.matchAll(/\bit\(\s*(['"`])((?:\\.|(?!\1).)*)\1/g)];
  tests.forEach((test, index) => {
    const end = tests[index + 1]?.index ?? source.length;
    const body = source.slice(test.index, end);
    const value = /numRuns:\s*([\w_]+)/.exec(body)?.[1];
    if (value === undefined) return;
    const count = /^[\d_]+$/.test(value) ? Number(value.replaceAll('_', '')) : constants.get(value);
    if (count !== undefined) runs.set(unescape(test[2] as string), count);
  });
  return runs;
}

function unescape(title: string): string {
  return title.replace(/\\(.)/g, '$1');
}
