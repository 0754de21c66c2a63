import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests beside the code, and integration tests that
// start real processes (relay, agent, browser) per package in test/.
// Every test file's temporary folders are removed when it ends, and the run
// fails naming any `tandem-*` folder left behind (packages/test-kit/src/temp-dir.ts).
const setupFiles = ['packages/test-kit/src/temp-dir-setup.ts'];

export default defineConfig({
  test: {
    globalSetup: ['packages/test-kit/src/temp-dir-global.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'packages/agent/page/src/**/*.test.ts', 'eslint-rules/*.test.ts'],
          environment: 'node',
          setupFiles,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts'],
          environment: 'node',
          setupFiles,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Integration tests start processes and browsers; two cores, so one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
