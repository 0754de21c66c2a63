/**
 * The page's catalogues against the one glossary (docs/glossary.md), which
 * the console's catalogues follow too: every text uses the glossary's words
 * in both languages, none of the words it rules out, and the labels that
 * name a term are the term.
 */
import { describe, expect, it } from 'vitest';
import { englishLabel, flattenCatalogue, glossaryViolations, readGlossary } from '@tandem/test-kit';
import { en } from './en.js';
import { ja } from './ja.js';

/** The page's labels of glossary terms: exactly the term. */
const LABELS: Record<string, string> = {
  'modes.chat': 'chat-only',
  'modes.view': 'view-only',
  'modes.control': 'shared-control',
  'who.sas': 'security-code',
  'consent.customerNumber': 'customer-number',
  'consent.caseNumber': 'case-number',
  'entry.label': 'session-code',
  'entry.helpDesk': 'help-desk',
  'entry.relay': 'relay',
  'session.end': 'end-session',
  'session.stopControl': 'stop-control',
  'confirmEnd.yes': 'end-session',
};

describe('the page catalogues and the glossary', () => {
  it('use exactly the glossary words, in English and Japanese', () => {
    expect(glossaryViolations(flattenCatalogue(en), flattenCatalogue(ja), { labels: LABELS })).toEqual([]);
  });

  it('would catch a catalogue that used another word', () => {
    const terms = readGlossary();
    expect(terms.map((t) => t.id)).toEqual(expect.arrayContaining(['session-code', 'security-code', 'case-number', 'customer-number', 'technician', 'chat-only', 'view-only', 'shared-control', 'end-session', 'stop-control', 'relay', 'invitation', 'help-desk']));
    const caseNumber = terms.find((t) => t.id === 'case-number');
    expect(caseNumber && englishLabel(caseNumber)).toBe('Case number');
    // The walkthrough's findings, put back: 案件番号 for 受付番号, "Verification code" for "Security code".
    const wrong = flattenCatalogue({ ...en, consent: { ...en.consent, caseNumber: 'Case number' }, who: { ...en.who, sas: 'Verification code' } });
    const wrongJa = flattenCatalogue({ ...ja, consent: { ...ja.consent, caseNumber: '案件番号' } });
    const found = glossaryViolations(wrong, wrongJa, { labels: LABELS });
    expect(found).toContainEqual('consent.caseNumber: the Japanese label is "案件番号", the glossary\'s is "受付番号"');
    expect(found).toContainEqual(expect.stringMatching(/^consent\.caseNumber: the English says "case number", the Japanese lacks "受付番号"/));
    expect(found).toContainEqual(expect.stringMatching(/^consent\.caseNumber: the Japanese says "案件番号"/));
    expect(found).toContainEqual(expect.stringMatching(/^who\.sas: the English says "verification code" for "security code"/));
    expect(found).toContainEqual('who.sas: the English label is "Verification code", the glossary\'s is "Security code"');
  });
});
