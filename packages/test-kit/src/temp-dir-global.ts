/**
 * Vitest global setup (vitest.config.ts `globalSetup`): the run gets a
 * temporary folder of its own, so that what other runs on the same machine
 * leave in /tmp is not counted, and at the end of the run every `tandem-*`
 * entry still in it fails the run with its name: a test left a folder
 * behind. The folder itself is then removed, whatever else is in it.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tandemTempEntries } from './temp-dir.js';

/** Sets TMPDIR for the workers (they inherit the environment) and returns the check at the end. */
export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const runDir = mkdtempSync(join(tmpdir(), 'vitest-run-'));
  // mkdtemp makes it 0700; programs the tests run as their own users (squid as 'proxy') must pass through it to their folders.
  chmodSync(runDir, 0o711);
  process.env.TMPDIR = runDir;
  return () => {
    const left = tandemTempEntries(runDir);
    rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (left.length > 0) {
      // Vitest reports an error thrown here but keeps its exit code: the exit code is set too, so the run fails.
      process.exitCode = 1;
      throw new Error(`tests left ${left.length} temporary folder(s) behind (each test removes what it made, even when it fails): ${left.join(', ')}`);
    }
  };
}
