/**
 * The terminal's prompts (English only: the agent without a browser) against
 * the one glossary (docs/glossary.md) the pages follow: a customer who is
 * asked on the phone for the "security code" finds that word on the
 * terminal too. The texts are the string literals of this folder's code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGlossary } from '@tandem/test-kit';

const DIR = import.meta.dirname;

/** Every string and template literal of the folder's code (not its tests), with its file; a template's `${…}` is code, not words. */
function literals(): { file: string; text: string }[] {
  const found: { file: string; text: string }[] = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const source = readFileSync(join(DIR, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const m of source.matchAll(/'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g)) found.push({ file, text: (m[1] ?? m[2] ?? '').replace(/\$\{[^}]*\}/g, '…') });
  }
  return found;
}

describe("the terminal's prompts and the glossary", () => {
  it('use no word the glossary rules out in English', () => {
    const texts = literals();
    expect(texts.some((t) => t.text.includes('Security code'))).toBe(true);
    const wrong = texts.flatMap(({ file, text }) =>
      readGlossary().flatMap((term) => term.neverEn.filter((word) => new RegExp(`\\b${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').test(text)).map((word) => `${file}: "${text}" says "${word}" for ${term.en}`)),
    );
    expect(wrong).toEqual([]);
  });
});
