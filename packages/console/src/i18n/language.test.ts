import { describe, it, expect } from 'vitest';
import { LANGUAGE_STORAGE_KEY, detectLanguage, matchLanguage, type KeyValueStore } from './language.js';

function store(value: string | null): KeyValueStore {
  return { getItem: (k) => (k === LANGUAGE_STORAGE_KEY ? value : null), setItem: () => undefined, removeItem: () => undefined };
}

describe('language detection', () => {
  it('matches BCP 47 tags by their primary subtag', () => {
    expect(matchLanguage('ja-JP')).toBe('ja');
    expect(matchLanguage('EN_gb')).toBe('en');
    expect(matchLanguage('fr-FR')).toBeUndefined();
    expect(matchLanguage(null)).toBeUndefined();
  });

  it('prefers the stored choice, then the first supported browser language, then English', () => {
    expect(detectLanguage(store('en'), ['ja-JP'])).toBe('en');
    expect(detectLanguage(store(null), ['fr-FR', 'ja', 'en'])).toBe('ja');
    expect(detectLanguage(store('xx'), ['de'])).toBe('en');
    expect(detectLanguage(undefined, [])).toBe('en');
  });
});
