/**
 * The page's one style sheet (style.css) carries the design it shares with
 * the console (packages/console/src/design.css) as an exact copy between two
 * marker comments (the agent serves the page no other style sheet), and its
 * own rules only after it: a change to the design that did not reach the
 * page, or an edit made in the copy, fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../../..');
const STYLE = readFileSync(join(ROOT, 'packages/agent/page/style.css'), 'utf8');
const DESIGN = readFileSync(join(ROOT, 'packages/console/src/design.css'), 'utf8');
const CONSOLE = readFileSync(join(ROOT, 'packages/console/src/styles.css'), 'utf8');
const BEGIN = '/* ==== design.css: begin (a copy of packages/console/src/design.css made by scripts/page-style.mjs; edit the original) ==== */\n';
const END = '/* ==== design.css: end ==== */';

describe("the page's style sheet", () => {
  it('opens with the shared design, byte for byte (run node scripts/page-style.mjs after changing design.css)', () => {
    const begin = STYLE.indexOf(BEGIN);
    const end = STYLE.indexOf(END);
    expect(begin, 'the begin marker').toBeGreaterThanOrEqual(0);
    expect(end, 'the end marker').toBeGreaterThan(begin);
    expect(STYLE.slice(begin + BEGIN.length, end)).toBe(DESIGN);
    // Nothing of the page's own comes before the design: its rules build on it.
    expect(STYLE.slice(0, begin).replace(/\/\*[\s\S]*?\*\//g, '').trim()).toBe('');
  });

  it('is the design the console uses: the console imports the same file first', () => {
    expect(CONSOLE.replace(/\/\*[\s\S]*?\*\//g, '').trim().startsWith("@import './design.css';")).toBe(true);
    // The tokens are defined once, in the design: neither side defines its own.
    for (const own of [STYLE.slice(STYLE.indexOf(END)), CONSOLE]) expect(own).not.toMatch(/--(bg|surface|text|accent|bad|warn|ok|font|mono)\s*:/);
  });
});
