/** Temporary folders for tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under the system's temporary folder; the caller removes it. */
export function tempDir(prefix = 'tandem-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
