import { describe, expect, it } from 'vitest';

import { renderResultsSection, replaceBetweenMarkers } from '../../bench/results-section.js';
import { soakMisses, type SoakResult } from '../../bench/soak-report.js';
import type { TestOutcome } from '../../bench/test-outcomes.js';

const README = [
  '# Title',
  '',
  '<!-- results:begin -->',
  'old',
  '<!-- results:end -->',
  'after',
].join('\n');

function soakResult(overrides: Partial<SoakResult['kinds'][number]> = {}): SoakResult {
  const measured = {
    seconds: 60,
    warmupSeconds: 5,
    deadlineMs: 5000,
    machine: '2 CPUs',
    database: 'FerretDB v1.24.2',
    eventMix: 'pushes',
    kinds: [
      {
        name: 'Token requests',
        targetRate: 1000,
        achievedRate: 1000,
        sent: 60_000,
        ok: 60_000,
        retried: 0,
        timedOut: 0,
        failed: 0,
        p50Ms: 1.5,
        p99Ms: 12.25,
        ...overrides,
      },
    ],
    rss: { startBytes: 100 * 2 ** 20, middleBytes: 104 * 2 ** 20, endBytes: 105 * 2 ** 20 },
    eventLoopLag: { source: 'service' as const, p99Ms: 20, maxMs: 40 },
    generatorLag: { p99Ms: 10, maxMs: 30 },
  };
  const misses = soakMisses(measured);
  const errors = measured.kinds.reduce((sum, kind) => sum + kind.timedOut + kind.failed, 0);
  return { ...measured, misses, errors };
}

function outcome(title: string, status: TestOutcome['status'] = 'passed'): TestOutcome {
  return { file: 'tests/a.test.ts', ancestorTitles: ['property: names'], title, status, meta: {} };
}

describe('replaceBetweenMarkers', () => {
  it('replaces only what lies between the markers, and the same content twice changes nothing', () => {
    const once = replaceBetweenMarkers(README, 'results', 'new table');
    const twice = replaceBetweenMarkers(once, 'results', 'new table');

    expect(once).toBe(
      '# Title\n\n<!-- results:begin -->\n\nnew table\n\n<!-- results:end -->\nafter',
    );
    expect(twice).toBe(once);
  });

  it('refuses a README without the markers, naming them', () => {
    expect(() => replaceBetweenMarkers('# Title\n', 'results:bench-grpc', 'x')).toThrow(
      'README.md lacks the markers "<!-- results:bench-grpc:begin -->" and "<!-- results:bench-grpc:end -->", in that order',
    );
  });
});

describe('renderResultsSection', () => {
  it('gives the same text for the same results', () => {
    const faults = [
      { check: { fault: 'db stops', file: 'tests/a.test.ts', test: /x/ }, outcomes: [] },
    ];
    const properties = [{ outcome: outcome('holds'), runs: 10_000 }];

    expect(renderResultsSection([soakResult()], faults, properties)).toBe(
      renderResultsSection([soakResult()], faults, properties),
    );
  });

  it('marks a kind with timeouts as missed and counts its errors', () => {
    const section = renderResultsSection(
      [soakResult({ achievedRate: 990, ok: 59_400, timedOut: 600 })],
      [],
      [],
    );

    expect(section).toContain('| Token requests | 1,000 | 990 | 12.3 ms | 0 | 600 | **missed** |');
    expect(section).toContain('Errors: 600. 1 target missed');
  });

  it('marks a kind held when it reached its rate without errors', () => {
    const section = renderResultsSection([soakResult()], [], []);

    expect(section).toContain('| Token requests | 1,000 | 1,000 | 12.3 ms | 0 | 0 | held |');
    expect(section).toContain('(+5.0 %; target under +10 %)');
  });

  it('shows the run at the target rates first, then one at half of them under its own heading', () => {
    const half = { ...soakResult({ targetRate: 500, achievedRate: 500 }), loadPercent: 50 };

    const section = renderResultsSection([half, soakResult()], [], []);

    const full = section.indexOf('#### Load held (`npm run soak`, 60 s after 5 s of warm-up)');
    const scaled = section.indexOf(
      '#### Load held (`npm run soak`, 60 s after 5 s of warm-up, at 50 % of the target rates)',
    );
    expect(full).toBeGreaterThan(-1);
    expect(scaled).toBeGreaterThan(full);
    expect(section).toContain('| Token requests | 500 | 500 | 12.3 ms | 0 | 0 | held |');
  });

  it('shows a fault without a test as missing and a failed property as failed', () => {
    const section = renderResultsSection(
      [],
      [{ check: { fault: 'db stops', file: 'tests/a.test.ts', test: /restart/ }, outcomes: [] }],
      [
        { outcome: outcome('holds'), runs: 10_000 },
        { outcome: outcome('breaks', 'failed'), runs: undefined },
      ],
    );

    expect(section).toContain(
      '| db stops | `tests/a.test.ts`: no test matches /restart/ | **missing** |',
    );
    expect(section).toContain('| names | holds | 10,000 | passed |');
    expect(section).toContain('| names | breaks | not declared | **failed** |');
    expect(section).toContain('No soak results yet');
  });
});
