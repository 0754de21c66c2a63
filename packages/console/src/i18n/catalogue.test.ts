import { describe, it, expect } from 'vitest';
import { flattenCatalogue, placeholders } from '@tandem/test-kit';
import { AUDIT_EVENT_KINDS, END_REASONS, ERROR_CODES, MODES } from '@tandem/protocol';
import { errorKey, INVITATION_ERROR_CODES } from './translate-error.js';
import en from './en.json';
import ja from './ja.json';

const catalogues = { en: flattenCatalogue(en), ja: flattenCatalogue(ja) };

describe('translation catalogues', () => {
  it('have exactly the same keys', () => {
    const enKeys = [...catalogues.en.keys()].sort();
    const jaKeys = [...catalogues.ja.keys()].sort();
    expect(jaKeys).toEqual(enKeys);
    expect(enKeys.length).toBeGreaterThan(100);
  });

  it('have no empty or non-string values', () => {
    for (const [lang, entries] of Object.entries(catalogues)) {
      for (const [key, value] of entries) {
        expect(typeof value, `${lang}:${key}`).toBe('string');
        expect((value as string).trim(), `${lang}:${key}`).not.toBe('');
      }
    }
  });

  it('use the same interpolation placeholders in both languages', () => {
    for (const [key, value] of catalogues.en) {
      expect(placeholders(catalogues.ja.get(key)), key).toEqual(placeholders(value));
    }
  });

  it('translate every error code, end reason, mode and audit event kind', () => {
    const required = [
      ...ERROR_CODES.map((c) => `errors.${c}`),
      ...END_REASONS.map((r) => `endReason.${r}`),
      ...MODES.map((m) => `mode.${m}`),
      ...AUDIT_EVENT_KINDS.map((k) => `audit.eventKind.${k}`),
    ];
    for (const [lang, entries] of Object.entries(catalogues)) {
      for (const key of required) expect(entries.has(key), `${lang}:${key}`).toBe(true);
    }
  });

  it('are actually translated: Japanese differs from English for error messages', () => {
    for (const code of ERROR_CODES) {
      expect(catalogues.ja.get(`errors.${code}`), code).not.toBe(catalogues.en.get(`errors.${code}`));
    }
  });

  it('word the errors of an invitation session as such, in both languages', () => {
    for (const code of INVITATION_ERROR_CODES) {
      const key = errorKey(code, 'invitation');
      expect(key).toBe(`invitation.errors.${code}`);
      for (const [lang, entries] of Object.entries(catalogues)) expect(entries.has(key), `${lang}:${key}`).toBe(true);
    }
    expect(errorKey('TANDEM_ERR_WRONG_CODE')).toBe('errors.TANDEM_ERR_WRONG_CODE');
    expect(errorKey('TANDEM_ERR_REFUSED', 'invitation')).toBe('errors.TANDEM_ERR_REFUSED');
    expect(String(catalogues.en.get('invitation.errors.TANDEM_ERR_WRONG_CODE'))).toMatch(/wrong password/i);
  });
});
