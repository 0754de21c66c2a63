/**
 * Which language the support page shows: the one the visitor picked (kept
 * in localStorage), else the first of the browser's languages the page has
 * (navigator.languages), else English.
 */
import { en, type Catalogue } from './en.js';
import { ja } from './ja.js';

/** The page's languages. */
export const LANGUAGES = ['en', 'ja'] as const;
/** One of {@link LANGUAGES}. */
export type Language = (typeof LANGUAGES)[number];

/** Every language's texts. */
export const CATALOGUES: Readonly<Record<Language, Catalogue>> = { en, ja };

/** localStorage key of the visitor's choice (the support page's own: the console keeps the technician's). */
export const LANGUAGE_STORAGE_KEY = 'tandem.support-page.language';

/** The subset of Storage the page needs (localStorage fits). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Maps a BCP 47 tag such as `ja-JP` or `en-GB` to a language of the page, if any. */
export function matchLanguage(tag: string | null | undefined): Language | undefined {
  if (typeof tag !== 'string') return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((language) => language === primary);
}

/** The language to start in: a stored choice wins, then the browser's list in order, then English. */
export function startLanguage(store: KeyValueStore | undefined, preferred: readonly string[]): Language {
  const stored = matchLanguage(store?.getItem(LANGUAGE_STORAGE_KEY));
  if (stored !== undefined) return stored;
  for (const tag of preferred) {
    const match = matchLanguage(tag);
    if (match !== undefined) return match;
  }
  return 'en';
}

/** `template` with each `{{name}}` replaced by `params[name]` (a missing one stays visible, so a test sees it). */
export function fill(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => params[name] ?? whole);
}
