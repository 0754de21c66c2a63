/**
 * Vitest setup file (vitest.config.ts `setupFiles`): at the end of every
 * test file, passed or failed, the folders its tests made with `tempDir`
 * are removed. Vitest runs the setup file's `afterAll` after the test
 * file's own (hooks run as a stack), so the processes those hooks stop no
 * longer write into the folders.
 */
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dir.js';

afterAll(() => {
  removeTempDirs();
});
