import { describe, expect, it } from 'vitest';
import { keysymForCodePoint, keysymsForText, unescapeTypeText } from './keysyms.js';

describe('keysyms', () => {
  it('maps Latin-1 directly, newline to Return, the rest to the Unicode keysym range', () => {
    expect(keysymsForText('a Z~')).toEqual([0x61, 0x20, 0x5a, 0x7e]);
    expect(keysymsForText('é\n\t')).toEqual([0xe9, 0xff0d, 0xff09]);
    expect(keysymsForText('€あ😀')).toEqual([0x010020ac, 0x01003042, 0x0101f600]);
  });

  it('refuses control characters it has no key for', () => {
    expect(() => keysymForCodePoint(0x01)).toThrow(/control character/);
    expect(() => keysymForCodePoint(0x85)).toThrow(/control character/);
  });

  it('expands /type escapes and refuses unknown ones', () => {
    expect(unescapeTypeText('touch /tmp/x\\n')).toBe('touch /tmp/x\n');
    expect(unescapeTypeText('a\\\\n\\t\\e\\b')).toBe('a\\n\t\x1b\b');
    expect(() => unescapeTypeText('\\q')).toThrow(/unknown escape/);
    expect(() => unescapeTypeText('end\\')).toThrow(/unknown escape/);
  });
});
