/**
 * The one glossary of Tandem's words (docs/glossary.md), as the tests of the
 * customer's page and of the console read it: the table between its
 * `glossary:begin` and `glossary:end` markers, and the check that a pair of
 * catalogues (English and Japanese, flattened with `flattenCatalogue`)
 * uses exactly its words.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './repo-paths.js';

/** docs/glossary.md. */
export const GLOSSARY_FILE = join(ROOT, 'docs/glossary.md');

/** One term of the glossary. */
export interface GlossaryTerm {
  /** Its name in the table (`security-code`): what a test's label map refers to. */
  id: string;
  /** The English term, lower case ("security code"). */
  en: string;
  /** The Japanese term (確認コード). */
  ja: string;
  /** True when a Japanese text with the term must have the English term too (nouns); false for actions worded freely in sentences. */
  bothWays: boolean;
  /** Words that must not stand for it in English. */
  neverEn: string[];
  /** Words that must not stand for it in Japanese. */
  neverJa: string[];
}

/** The `code` spans of a table cell. */
function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '').filter((w) => w !== '');
}

/** Reads the glossary's table; throws when the file has none or a row is not complete. */
export function readGlossary(file = GLOSSARY_FILE): GlossaryTerm[] {
  const text = readFileSync(file, 'utf8');
  const begin = text.indexOf('<!-- glossary:begin -->');
  const end = text.indexOf('<!-- glossary:end -->');
  if (begin < 0 || end < begin) throw new Error(`${file}: no table between <!-- glossary:begin --> and <!-- glossary:end -->`);
  const rows = text
    .slice(begin, end)
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
  // The header, then the separator line, then the terms.
  return rows.slice(2).map((cells, i) => {
    const [id = '', en = '', ja = '', both = '', neverEn = '', neverJa = ''] = cells;
    if (id === '' || en === '' || ja === '' || (both !== 'yes' && both !== 'no')) throw new Error(`${file}: glossary row ${i + 1} is not complete: ${cells.join(' | ')}`);
    return { id, en, ja, bothWays: both === 'yes', neverEn: codeSpans(neverEn), neverJa: codeSpans(neverJa) };
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The English term in a text: case aside, a word start, words joined by spaces or a dash ("chat-only"), any ending (plurals, "'s"). */
function englishPattern(term: string): RegExp {
  return new RegExp(`\\b${term.split(/\s+/).map(escape).join('[\\s-]+')}`, 'i');
}

/** A word that must not be used: lower-case ones in any case, ones with capitals (acronyms) exactly, as whole words. */
function neverPattern(word: string): RegExp {
  return new RegExp(`\\b${escape(word)}\\b`, word === word.toLowerCase() ? 'i' : '');
}

/** A text without its {{placeholders}}: `{{sas}}` is a value filled in, not a word. */
function words(value: unknown): string {
  return String(value).replace(/\{\{\w+\}\}/g, ' ');
}

/** The English term as a label: sentence case ("Security code"). */
export function englishLabel(term: GlossaryTerm): string {
  return term.en.charAt(0).toUpperCase() + term.en.slice(1);
}

/** What a catalogue pair is checked with besides the glossary. */
export interface GlossaryCheck {
  /** Keys whose text is a term's label (`modes.view` → `view-only`): exactly the term. */
  labels: Record<string, string>;
  /** Keys whose text is a sample of a format rather than words (a placeholder such as "https://…/#/invitation/…"): not checked. */
  literal?: readonly string[];
}

/**
 * Every text of the catalogues `en` and `ja` (the same keys) that does not
 * use the glossary's words, one line each; empty when all do.
 */
export function glossaryViolations(en: ReadonlyMap<string, unknown>, ja: ReadonlyMap<string, unknown>, check: GlossaryCheck, terms: readonly GlossaryTerm[] = readGlossary()): string[] {
  const out: string[] = [];
  const literal = new Set(check.literal ?? []);
  const byId = new Map(terms.map((t) => [t.id, t]));
  for (const [key, id] of Object.entries(check.labels)) {
    const term = byId.get(id);
    if (term === undefined) {
      out.push(`${key}: no glossary term "${id}"`);
      continue;
    }
    if (en.get(key) !== englishLabel(term)) out.push(`${key}: the English label is "${String(en.get(key))}", the glossary's is "${englishLabel(term)}"`);
    if (ja.get(key) !== term.ja) out.push(`${key}: the Japanese label is "${String(ja.get(key))}", the glossary's is "${term.ja}"`);
  }
  for (const [key, enValue] of en) {
    if (literal.has(key)) continue;
    const enText = words(enValue);
    const jaText = words(ja.get(key));
    for (const term of terms) {
      const usesEn = englishPattern(term.en).test(enText);
      const usesJa = jaText.includes(term.ja);
      if (usesEn && !usesJa) out.push(`${key}: the English says "${term.en}", the Japanese lacks "${term.ja}": ${jaText.trim()}`);
      if (term.bothWays && usesJa && !usesEn) out.push(`${key}: the Japanese says "${term.ja}", the English lacks "${term.en}": ${enText.trim()}`);
      for (const word of term.neverEn) if (neverPattern(word).test(enText)) out.push(`${key}: the English says "${word}" for "${term.en}": ${enText.trim()}`);
      for (const word of term.neverJa) if (jaText.includes(word)) out.push(`${key}: the Japanese says "${word}" for "${term.ja}": ${jaText.trim()}`);
    }
  }
  return out;
}
