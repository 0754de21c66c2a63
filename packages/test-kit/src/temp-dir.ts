/**
 * Temporary folders for tests, and the check that none is left behind.
 *
 * Every folder {@link tempDir} makes is removed when its test file ends,
 * passed or failed (`removeTempDirs`, called by the `afterAll` of
 * `temp-dir-setup.ts`, a vitest setup file). The run as a whole gets a
 * temporary folder of its own (`temp-dir-global.ts`, vitest's global
 * setup, sets TMPDIR for every worker and the processes they start), and
 * fails at its end naming any `tandem-*` entry still in it, whoever made it.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the temporary folders of this process's tests are named after; the leftover check looks for it. */
export const TEMP_PREFIX = 'tandem-';

/**
 * The folders made in this test file's module graph (vitest isolates each
 * test file's modules), removed by {@link removeTempDirs}.
 */
const made = new Set<string>();

/** A fresh folder under the system's temporary folder, removed when the test file ends (also by the caller, if it wants it gone sooner). */
export function tempDir(prefix = 'tandem-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes every folder {@link tempDir} made in this test file; returns how many there were. */
export function removeTempDirs(): number {
  const n = made.size;
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  made.clear();
  return n;
}

/** The `tandem-*` entries in `dir` (by default the temporary folder). */
export function tandemTempEntries(dir = tmpdir()): string[] {
  return readdirSync(dir).filter((name) => name.startsWith(TEMP_PREFIX)).sort();
}
