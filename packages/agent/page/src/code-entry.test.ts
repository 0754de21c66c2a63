/**
 * The code-entry screen's reading of the agent's `entry` event (contract 3)
 * and the page's own check of what was typed, before anything is sent.
 */
import { describe, expect, it } from 'vitest';
import { checkTyped, decodeEntry, normalizeTyped } from './code-entry.js';

describe('the code-entry screen', () => {
  it('reads the entry event as the agent sends it, optional fields absent when absent', () => {
    const full = { helpDesk: 'Example Help Desk', relay: 'https://support.example.com', busy: true, error: { code: 'TANDEM_ERR_CODE_EXPIRED', message: 'expired' } };
    expect(decodeEntry(JSON.parse(JSON.stringify(full)))).toEqual(full);
    const minimal = decodeEntry({ relay: 'https://support.example.com', busy: false });
    expect(Object.keys(minimal).sort()).toEqual(['busy', 'relay']);
  });

  it('refuses an entry event of another shape, naming the field', () => {
    expect(() => decodeEntry({ busy: false })).toThrow(/^entry\.relay: must be a string$/);
    expect(() => decodeEntry({ relay: 'x', busy: 'no' })).toThrow(/^entry\.busy: must be true or false$/);
    expect(() => decodeEntry({ relay: 'x', busy: false, error: { code: 1 } })).toThrow(/^entry\.error\.code: must be a string$/);
    expect(() => decodeEntry([])).toThrow(/^entry: must be an object$/);
  });

  it('sends digits with spaces or a dash as typed, and stops nothing but an empty box or other characters', () => {
    for (const typed of ['12345678', '123 456 78', '1234-5678', ' 1234 5678 ', '123']) expect(checkTyped(typed), typed).toBeUndefined();
    expect(checkTyped('')).toEqual({ kind: 'local', key: 'entry.empty' });
    expect(checkTyped(' - ')).toEqual({ kind: 'local', key: 'entry.empty' });
    expect(checkTyped('1234 567O')).toEqual({ kind: 'local', key: 'entry.notDigits' });
    expect(checkTyped('1234 ５６７８')).toEqual({ kind: 'local', key: 'entry.notDigits' });
  });

  it('reads what a Japanese input method gives as the digits and dash they are', () => {
    expect(normalizeTyped('１２３４ー５６７８')).toBe('1234-5678');
    expect(normalizeTyped('１２３\u3000４５６\u3000７８')).toBe('123 456 78');
    expect(normalizeTyped(' 1234–5678 ')).toBe('1234-5678');
    expect(checkTyped(normalizeTyped('１２３４－５６７８'))).toBeUndefined();
    // Letters stay letters: the check still refuses them.
    expect(checkTyped(normalizeTyped('１２３４５６７Ｏ'))).toEqual({ kind: 'local', key: 'entry.notDigits' });
  });
});
