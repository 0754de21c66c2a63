/**
 * The console's catalogues against the one glossary (docs/glossary.md), which
 * the customer's page follows too: every text uses the glossary's words in
 * both languages, none of the words it rules out, and the labels that name
 * a term are the term.
 */
import { describe, expect, it } from 'vitest';
import { flattenCatalogue, glossaryViolations } from '@tandem/test-kit';
import en from './en.json';
import ja from './ja.json';

/** The console's labels of glossary terms: exactly the term. */
const LABELS: Record<string, string> = {
  'mode.chat': 'chat-only',
  'mode.view': 'view-only',
  'mode.control': 'shared-control',
  'session.codeLabel': 'session-code',
  'session.sasLabel': 'security-code',
  'sessions.caseNumber': 'case-number',
  'session.customerCase': 'case-number',
  'session.customerNumber': 'customer-number',
  'audit.col.caseNumber': 'case-number',
  'audit.col.customerNumber': 'customer-number',
  'audit.col.technician': 'technician',
  'nav.roleTechnician': 'technician',
  'session.end': 'end-session',
};

/** Texts that are samples of a format, not words. */
const LITERAL = ['invitation.pastePlaceholder'];

describe('the console catalogues and the glossary', () => {
  it('use exactly the glossary words, in English and Japanese', () => {
    expect(glossaryViolations(flattenCatalogue(en), flattenCatalogue(ja), { labels: LABELS, literal: LITERAL })).toEqual([]);
  });
});
