/**
 * Which language the console shows: the one the user picked (kept in
 * localStorage), else the browser's first supported language, else English.
 */

/** Languages the console is translated into. */
export const LANGUAGES = ['en', 'ja'] as const;
/** A supported language. */
export type Language = (typeof LANGUAGES)[number];

/** localStorage key of the user's explicit choice. */
export const LANGUAGE_STORAGE_KEY = 'tandem.language';

/** The subset of Storage this module needs (localStorage fits). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Maps a BCP 47 tag such as `ja-JP` or `en-GB` to a supported language, if any. */
export function matchLanguage(tag: string | null | undefined): Language | undefined {
  if (typeof tag !== 'string') return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((l) => l === primary);
}

/**
 * Picks the language to start in: a stored choice wins, then the browser's
 * preference list in order (navigator.languages), then English.
 */
export function detectLanguage(store: KeyValueStore | undefined, preferred: readonly string[]): Language {
  const stored = matchLanguage(store?.getItem(LANGUAGE_STORAGE_KEY));
  if (stored) return stored;
  for (const tag of preferred) {
    const match = matchLanguage(tag);
    if (match) return match;
  }
  return 'en';
}
