import { describe, expect, it } from 'vitest';

import { renderEventsReport, type EventsReport } from '../../bench/events-report.js';
import { median, type Measurement } from '../../bench/load-runs.js';

function measured(opsPerSecond: number): Measurement {
  return {
    calls: opsPerSecond * 10,
    failed: 0,
    firstFailure: undefined,
    opsPerSecond,
    p50Ms: 20,
    p99Ms: 40,
  };
}

/** Rounds whose driver did `driver` upserts/s, and the endpoint `single` and `tens` requests/s. */
function report(rounds: readonly { driver: number; single: number; tens: number }[]): EventsReport {
  return {
    repositories: 1000,
    concurrency: 4,
    seconds: 10,
    database: 'FerretDB v1.24.2',
    machine: '2 CPUs',
    rounds: rounds.map(({ driver, single, tens }) => ({
      driver: measured(driver),
      runs: [
        { name: '/event, 1 push per request', eventsPerRequest: 1, measured: measured(single) },
        { name: '/event, 10 pushes per request', eventsPerRequest: 10, measured: measured(tens) },
      ],
    })),
    reconcile: undefined,
  };
}

describe('renderEventsReport', () => {
  it('compares each endpoint run with the driver of its own round, and judges the median', () => {
    const markdown = renderEventsReport(
      report([
        { driver: 200, single: 90, tens: 18 },
        { driver: 100, single: 60, tens: 9 },
        { driver: 200, single: 110, tens: 19 },
      ]),
    );

    // Round 2's driver was half as fast: its 60 events/s are 0.60 of it, not 0.36 of a mean.
    expect(markdown).toContain('| 2 | /event, 1 push per request | 60 | 60 |');
    expect(markdown).toMatch(/\| 2 \| \/event, 1 push per request .*\| 0\.60 \|/);
    expect(markdown).toMatch(
      /\| 1 \| the same upserts with the MongoDB driver \| 200 .*\| baseline \|/,
    );
    expect(markdown).toContain(
      "- /event, 1 push per request: events/s >= 0.5 of the driver's: 0.55 (rounds: 0.45, 0.60, 0.55), **met**",
    );
    expect(markdown).toContain(
      "- /event, 10 pushes per request: events/s >= 0.5 of the driver's: 0.90 (rounds: 0.90, 0.90, 0.95), **met**",
    );
  });

  it('reports a median under the target as missed, however good one round was', () => {
    const markdown = renderEventsReport(
      report([
        { driver: 200, single: 80, tens: 18 },
        { driver: 200, single: 150, tens: 18 },
        { driver: 200, single: 90, tens: 18 },
      ]),
    );

    expect(markdown).toContain(
      "- /event, 1 push per request: events/s >= 0.5 of the driver's: 0.45 (rounds: 0.40, 0.75, 0.45), **missed**",
    );
  });
});

describe('median', () => {
  it('takes the middle value, the upper middle of an even count, and NaN of nothing', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(median([])).toBeNaN();
  });
});
