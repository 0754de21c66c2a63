import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests beside the code, and integration tests that
// start real processes (relay, agent, browser) per package in test/.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'packages/agent/page/src/**/*.test.ts', 'eslint-rules/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Integration tests start processes and browsers; two cores, so one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
