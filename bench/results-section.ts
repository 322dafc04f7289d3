import { count, mib, ms, signedPercent } from './figures.js';
import { rate } from './report.js';
import { rssGrowth, type SoakResult } from './soak-report.js';
import type { TestOutcome } from './test-outcomes.js';

/** A fault the issue names, and the test that injects it. */
export interface FaultCheck {
  readonly fault: string;
  readonly file: string;
  /** Selects the file's tests that inject the fault; each becomes a row. */
  readonly test: RegExp;
}

/** A property test's outcome with the runs it asked for. */
export interface PropertyOutcome {
  readonly outcome: TestOutcome;
  readonly runs: number | undefined;
}

/**
 * The README's "Proof under load, faults and hostile input" figures, from the soak's JSON and
 * the tests' outcomes. Nothing here reads a clock or the machine: the same inputs give the same
 * text, so that a second run changes nothing but figures.
 */
export function renderResultsSection(
  soaks: readonly SoakResult[],
  faults: readonly { check: FaultCheck; outcomes: readonly TestOutcome[] }[],
  properties: readonly PropertyOutcome[],
): string {
  return [
    '_Written by `npm run report`: edit the scripts, not this part._',
    '',
    ...loadHeldSections(soaks),
    '',
    '#### Faults survived',
    '',
    '| Fault | Test | Result |',
    '|---|---|---|',
    ...faults.flatMap(({ check, outcomes }) =>
      outcomes.length === 0
        ? [row([check.fault, `\`${check.file}\`: no test matches ${check.test}`, '**missing**'])]
        : outcomes.map((outcome) => row([check.fault, testName(outcome), result(outcome)])),
    ),
    '',
    '#### Inputs tried',
    '',
    '| Target | Invariant | Runs | Result |',
    '|---|---|---:|---|',
    ...properties.map(({ outcome, runs }) =>
      row([
        (outcome.ancestorTitles[0] ?? outcome.file).replace(/^property:\s*/, ''),
        outcome.title,
        runs === undefined ? 'not declared' : runs.toLocaleString('en-US'),
        result(outcome),
      ]),
    ),
    '',
    `${count(properties.filter(({ runs }) => runs !== undefined).reduce((sum, { runs }) => sum + (runs ?? 0), 0))} ` +
      `inputs over ${properties.length} properties, each with a fixed seed.`,
  ].join('\n');
}

/** The run at the issue's rates first, then the others from the heaviest load down. */
function loadHeldSections(soaks: readonly SoakResult[]): string[] {
  if (soaks.length === 0) {
    return [
      '#### Load held',
      '',
      'No soak results yet: run `npm run soak`, then `npm run report`.',
    ];
  }
  const ordered = [...soaks].sort(
    (left, right) => (right.loadPercent ?? 100) - (left.loadPercent ?? 100),
  );
  return ordered.flatMap((soak, index) => [...(index === 0 ? [] : ['']), ...loadHeld(soak)]);
}

function loadHeld(soak: SoakResult): string[] {
  const held = soak.kinds.map((kind) => {
    const errors = kind.timedOut + kind.failed;
    const ok = errors === 0 && !soak.misses.some((miss) => miss.startsWith(`${kind.name}:`));
    return row([
      kind.name,
      rate(kind.targetRate),
      rate(kind.achievedRate),
      ms(kind.p99Ms),
      count(kind.retried),
      count(errors),
      ok ? 'held' : '**missed**',
    ]);
  });
  const lag = soak.eventLoopLag;
  return [
    `#### Load held (\`npm run soak\`, ${soak.seconds} s after ${soak.warmupSeconds} s of warm-up` +
      `${(soak.loadPercent ?? 100) === 100 ? '' : `, at ${soak.loadPercent} % of the target rates`})`,
    '',
    '| Traffic | Target/s | Achieved/s | p99 | 503, retried | Errors | Result |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...held,
    '',
    `Service memory (RSS) ${mib(soak.rss.startBytes)} after the warm-up, ${mib(soak.rss.middleBytes)} ` +
      `halfway, ${mib(soak.rss.endBytes)} at the end (${signedPercent(rssGrowth(soak))}; target under ` +
      `+10 %). Event-loop lag, ${lag.source === 'service' ? "the service's (`/metrics`)" : "the load generator's (the service had no lag metrics)"}: ` +
      `p99 ${ms(lag.p99Ms)}, max ${ms(lag.maxMs)}. Errors: ${count(soak.errors)}. ` +
      `${missed(soak.misses.length)} ` +
      `Machine: ${soak.machine}; database: ${soak.database}.`,
  ];
}

function missed(misses: number): string {
  if (misses === 0) return 'Every target met.';
  return `${misses} target${misses === 1 ? '' : 's'} missed (\`npm run soak\` lists them).`;
}

/** The test's describe blocks and title, as one sentence. */
function testName(outcome: TestOutcome): string {
  return [...outcome.ancestorTitles, outcome.title].join(' › ');
}

function result(outcome: TestOutcome): string {
  return outcome.status === 'passed' ? 'passed' : `**${outcome.status}**`;
}

// Pipes would end a cell early.
function row(cells: readonly string[]): string {
  return `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
}

/**
 * `readme` with what lies between `<!-- <name>:begin -->` and `<!-- <name>:end -->` replaced by
 * `content`; throws naming the markers when they are missing, so that nothing is lost silently.
 */
export function replaceBetweenMarkers(readme: string, name: string, content: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from === -1 || to === -1 || to < from) {
    throw new Error(`README.md lacks the markers "${begin}" and "${end}", in that order`);
  }
  return `${readme.slice(0, from + begin.length)}\n\n${content.trim()}\n\n${readme.slice(to)}`;
}
