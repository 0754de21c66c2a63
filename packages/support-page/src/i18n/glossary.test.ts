/**
 * The support page's catalogues against the one glossary (docs/glossary.md)
 * the console and the customer's page follow: a customer reads the same
 * words on the relay's page, the agent's page and the technician's screen.
 */
import { describe, expect, it } from 'vitest';
import { flattenCatalogue, glossaryViolations } from '@tandem/test-kit';
import { en } from './en.js';
import { ja } from './ja.js';

describe('the support page catalogues and the glossary', () => {
  it('use exactly the glossary words, in English and Japanese', () => {
    expect(glossaryViolations(flattenCatalogue(en), flattenCatalogue(ja), { labels: {} })).toEqual([]);
  });
});
