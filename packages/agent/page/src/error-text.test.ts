import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@tandem/protocol';
import { errorText } from './error-text.js';
import { en } from './i18n/en.js';
import { ja } from './i18n/ja.js';

/** A translator over one catalogue, as the page's Translator answers `t` and `has`. */
function over(catalogue: object): { t: (key: string) => string; has: (key: string) => boolean } {
  const find = (key: string): unknown => key.split('.').reduce<unknown>((node, part) => (typeof node === 'object' && node !== null ? (Object.getOwnPropertyDescriptor(node, part)?.value as unknown) : undefined), catalogue);
  return { t: (key) => String(find(key)), has: (key) => typeof find(key) === 'string' };
}

describe('errorText', () => {
  it("shows the page's text for every code, with the code, in both languages", () => {
    for (const [catalogue, lang] of [[en, 'en'], [ja, 'ja']] as const) {
      for (const code of ERROR_CODES) {
        const text = errorText(over(catalogue), { code, message: 'the agent says' });
        expect(text.code, `${lang} ${code}`).toBe(code);
        expect(text.message, `${lang} ${code}`).toBe(catalogue.errors[code]);
      }
    }
  });

  it("falls back to the agent's message only for a code the page does not know", () => {
    expect(errorText(over(en), { code: 'TANDEM_ERR_FROM_THE_FUTURE', message: 'something new' })).toEqual({ code: 'TANDEM_ERR_FROM_THE_FUTURE', message: 'something new' });
    // Not a code at all: never used as a catalogue key (`errors.title` would otherwise be a lookup).
    expect(errorText(over({ errors: { x: 'no' } }), { code: 'x', message: 'as sent' })).toEqual({ code: 'x', message: 'as sent' });
  });
});
