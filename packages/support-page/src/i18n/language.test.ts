import { describe, expect, it } from 'vitest';
import { LANGUAGE_STORAGE_KEY, fill, startLanguage, type KeyValueStore } from './language.js';

function store(value: string | null): KeyValueStore {
  return { getItem: (key) => (key === LANGUAGE_STORAGE_KEY ? value : null), setItem: () => undefined };
}

describe('startLanguage', () => {
  it("takes the browser's first language the page has", () => {
    expect(startLanguage(undefined, ['ja-JP', 'en-US'])).toBe('ja');
    expect(startLanguage(undefined, ['fr-FR', 'ja', 'en'])).toBe('ja');
    expect(startLanguage(undefined, ['en-GB', 'ja'])).toBe('en');
  });

  it('falls back to English', () => {
    expect(startLanguage(undefined, ['fr-FR', 'de'])).toBe('en');
    expect(startLanguage(undefined, [])).toBe('en');
  });

  it("prefers the visitor's remembered choice, and ignores a stored value it does not know", () => {
    expect(startLanguage(store('en'), ['ja-JP'])).toBe('en');
    expect(startLanguage(store('ja'), ['en-US'])).toBe('ja');
    expect(startLanguage(store('klingon'), ['ja-JP'])).toBe('ja');
  });
});

describe('fill', () => {
  it('fills placeholders and leaves an unknown one visible', () => {
    expect(fill('Call {{desk}} at {{phone}}.', { desk: 'Acme', phone: '123' })).toBe('Call Acme at 123.');
    expect(fill('{{desk}} {{nope}}', { desk: 'Acme' })).toBe('Acme {{nope}}');
  });
});
