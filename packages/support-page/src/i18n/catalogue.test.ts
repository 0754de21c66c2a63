/**
 * The support page's catalogues (en.ts, ja.ts): the same keys and
 * placeholders in both languages and no empty text (ja.ts's type already
 * makes the keys the same; the placeholders it cannot see).
 */
import { describe, expect, it } from 'vitest';
import { flattenCatalogue, placeholders } from '@tandem/test-kit';
import { en } from './en.js';
import { ja } from './ja.js';

const catalogues = { en: flattenCatalogue(en), ja: flattenCatalogue(ja) };

describe('the support page catalogues', () => {
  it('have the same keys, each a text that is not empty', () => {
    expect([...catalogues.ja.keys()].sort()).toEqual([...catalogues.en.keys()].sort());
    for (const [language, entries] of Object.entries(catalogues)) {
      for (const [key, value] of entries) expect(typeof value === 'string' && value.trim() !== '', `${language} ${key}`).toBe(true);
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, value] of catalogues.en) expect(placeholders(catalogues.ja.get(key)), key).toEqual(placeholders(value));
  });
});
