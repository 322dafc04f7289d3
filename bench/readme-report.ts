/**
 * `npm run report`: rewrites the README's results from what the scripts measured, never by hand.
 *
 * Reads bench/results/soak*.json (`npm run soak` writes them), runs the fault tests and every
 * property test (`tests/**\/*.property.test.ts`) with vitest's JSON reporter, and replaces what
 * lies between `<!-- results:begin -->` and `<!-- results:end -->` in README.md: load held,
 * faults survived, inputs tried. Where the README also holds `<!-- results:bench-grpc:begin -->`
 * (or `bench-auth`, `bench-events`) and the benchmark left its JSON, that table is rendered too.
 * The output is formatted with the repository's Prettier settings; the same inputs give the
 * same README, so a second run changes nothing but figures.
 *
 * Needs what the tests need (MONGODB_URI, the stack's tools). Exit code 1 when a test failed or
 * a fault has no test; the README is written either way, so that it says so.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { format, resolveConfig } from 'prettier';

import { renderAuthReport, type AuthBenchResult } from './auth-report.js';
import { renderEventsReport, type EventsReport } from './events-report.js';
import { renderReport, type BenchSetup, type OperationResult } from './report.js';
import { readResults, resultsPath, RESULTS_DIRECTORY } from './results-file.js';
import {
  renderResultsSection,
  replaceBetweenMarkers,
  type FaultCheck,
  type PropertyOutcome,
} from './results-section.js';
import type { SoakResult } from './soak-report.js';
import { declaredRuns, runTests, type TestOutcome } from './test-outcomes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = join(ROOT, 'README.md');

/** The faults of issue 6, each with the test that injects it into real processes. */
const FAULTS: readonly FaultCheck[] = [
  {
    fault: 'The database stops and restarts while images are pushed',
    file: 'tests/application/notification-faults.test.ts',
    test: /database was down during pushes/,
  },
  {
    fault: 'The registry restarts and drops its undelivered events',
    file: 'tests/application/notification-faults.test.ts',
    test: /registry lost its queue/,
  },
  {
    fault: 'The registry stops before a gRPC Delete',
    file: 'tests/adapters/grpc/delete-with-registry.test.ts',
    test: /registry is down, then 200 on retry/,
  },
  {
    fault: 'The service is killed (SIGKILL) with events in flight',
    file: 'tests/application/service-kill.test.ts',
    test: /./,
  },
  {
    fault: 'The Users Service stops',
    file: 'tests/application/users-service-outage.test.ts',
    test: /./,
  },
];

/** The benchmarks whose tables the README may hold, and how each is drawn from its JSON. */
const BENCH_TABLES: readonly { name: string; render: (figures: never) => string }[] = [
  {
    name: 'bench-grpc',
    render: (figures: { setup: BenchSetup; find: OperationResult; list: OperationResult }) =>
      renderReport(figures.setup, figures.find, figures.list),
  },
  { name: 'bench-auth', render: (figures: AuthBenchResult) => renderAuthReport(figures) },
  { name: 'bench-events', render: (figures: EventsReport) => renderEventsReport(figures) },
];

async function report(): Promise<string[]> {
  // soak.json is the run at the issue's rates; soak-<percent>.json are runs at other loads.
  const soaks: SoakResult[] = [];
  for (const name of (await resultNames()).filter((found) => /^soak(-\d+)?$/.test(found))) {
    const soak = await readResults<SoakResult>(resultsPath(name));
    if (soak !== undefined) soaks.push(soak);
  }
  const propertyFiles = await findFiles(join(ROOT, 'tests'), '.property.test.ts');
  const faultFiles = [...new Set(FAULTS.map((check) => check.file))];

  progress(`running ${faultFiles.length} fault and ${propertyFiles.length} property test files`);
  const outcomes = await runTests([...faultFiles, ...propertyFiles]);

  const faults = FAULTS.map((check) => ({
    check,
    outcomes: outcomes.filter(
      (outcome) => outcome.file === check.file && check.test.test(outcome.title),
    ),
  }));
  const properties: PropertyOutcome[] = [];
  for (const file of propertyFiles) {
    const runs = await declaredRuns(file);
    for (const outcome of outcomes.filter((candidate) => candidate.file === file)) {
      properties.push({ outcome, runs: recordedRuns(outcome) ?? runs.get(outcome.title) });
    }
  }

  // Only the generated parts are formatted: the rest of the README is left as it is.
  const options = { ...(await resolveConfig(README)), parser: 'markdown' };
  const formatted = (markdown: string) => format(markdown, options);
  let readme = await readFile(README, 'utf8');
  const section = renderResultsSection(soaks, faults, properties);
  readme = replaceBetweenMarkers(readme, 'results', await formatted(section));
  for (const name of await resultNames()) {
    // A benchmark's runs at other scales are named after it: bench-grpc-1000 is a bench-grpc.
    const table = BENCH_TABLES.find((known) => new RegExp(`^${known.name}(-\\d+)?$`).test(name));
    const figures = await readResults<never>(resultsPath(name));
    if (table === undefined || figures === undefined) continue;
    if (readme.includes(`<!-- results:${name}:begin -->`)) {
      const rendered = await formatted(table.render(figures));
      readme = replaceBetweenMarkers(readme, `results:${name}`, rendered);
    }
  }
  await writeFile(README, readme);

  return [
    ...faults
      .filter(({ outcomes: found }) => found.length === 0)
      .map(({ check }) => `no test for "${check.fault}"`),
    ...[
      ...faults.flatMap(({ outcomes: found }) => found),
      ...properties.map(({ outcome }) => outcome),
    ]
      .filter((outcome) => outcome.status !== 'passed')
      .map((outcome) => `${outcome.file}: "${outcome.title}" ${outcome.status}`),
  ];
}

// A property test may record what fast-check really ran: `task.meta.propertyRuns = details.numRuns`.
function recordedRuns(outcome: TestOutcome): number | undefined {
  const runs = outcome.meta['propertyRuns'];
  return typeof runs === 'number' ? runs : undefined;
}

/** Files under `directory` whose names end with `suffix`, relative to the root, sorted. */
/** The benchmarks' result files in bench/results/, by name without `.json`. */
async function resultNames(): Promise<string[]> {
  const entries = await readdir(RESULTS_DIRECTORY).catch(() => [] as string[]);
  return entries
    .filter((entry) => entry.endsWith('.json'))
    .map((entry) => entry.slice(0, -'.json'.length))
    .sort();
}

async function findFiles(directory: string, suffix: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

function progress(message: string): void {
  process.stderr.write(`report: ${message}\n`);
}

try {
  const problems = await report();
  for (const problem of problems) process.stderr.write(`report: ${problem}\n`);
  progress('README.md rewritten');
  if (problems.length > 0) process.exitCode = 1;
} catch (error) {
  process.stderr.write(`report: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
