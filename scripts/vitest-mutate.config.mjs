// Vitest's configuration for mutation testing (scripts/mutate.mjs): the unit
// tests only (Stryker names the files of each module), with a long timeout,
// because every line is instrumented and two cores are shared: a test that
// takes 4 s alone may take more than vitest's default 5 s under Stryker.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['packages/*/src/**/*.test.ts'],
    environment: 'node',
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
