/**
 * The legacy keysym table against the one a console sends by: noVNC's
 * keysymdef.js (code point → keysym). Every character noVNC sends as a
 * legacy keysym reads back as that character; a new noVNC with another
 * table fails here until `node scripts/legacy-keysyms.mjs` is run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '@tandem/test-kit';
import { LEGACY_KEYSYM_CODE_POINTS } from './legacy-keysyms.js';

describe('the legacy keysyms', () => {
  it("are exactly noVNC's: each keysym it sends for a character is that character", () => {
    const novnc = readFileSync(join(ROOT, 'node_modules/@novnc/novnc/core/input/keysymdef.js'), 'utf8');
    const sent = new Map<number, number>();
    for (const m of novnc.matchAll(/^\s+0x([0-9a-f]+): 0x([0-9a-f]+),/gm)) {
      const keysym = parseInt(m[2] ?? '', 16);
      if (keysym >= 0x100 && keysym <= 0xffff) sent.set(keysym, parseInt(m[1] ?? '', 16));
    }
    expect(sent.size).toBeGreaterThan(600);
    expect(new Map(LEGACY_KEYSYM_CODE_POINTS)).toEqual(sent);
  });
});
