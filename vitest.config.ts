import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Real servers start in these tests: allow them time, never retry to hide flakiness.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    sequence: { shuffle: false },
  },
});
