import { describe, expect, it } from 'vitest';
import { assertPlainName, isPlainName } from './assert.js';
import { TandemError } from './errors.js';

describe('assertPlainName', () => {
  it('passes names in every script, with spaces and punctuation', () => {
    for (const name of ['Tanaka Ichiro', '山田 花子', 'Ümit Öztürk-Şahin', 'عمر', 'O\u2019Brien (Desk 2)', '👩‍💻 Kim']) {
      expect(() => assertPlainName(name, 'displayName', 120)).not.toThrow();
      expect(isPlainName(name)).toBe(true);
    }
  });

  it('refuses controls, bidirectional marks, embeddings, overrides and isolates, and separators, naming the first', () => {
    for (const ch of ['\u0000', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009b', '\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u2028', '\u2029']) {
      expect(isPlainName(`a${ch}b`)).toBe(false);
      expect(() => assertPlainName(`a${ch}b`, 'team', 120)).toThrow(TandemError);
    }
    expect(() => assertPlainName('Admin\u202Egnp.exe', 'displayName', 120)).toThrow('displayName: must not contain control or bidirectional-text characters (found U+202E)');
  });

  it('keeps the bounds and type checks of assertString', () => {
    expect(() => assertPlainName(5, 'team', 10)).toThrow('team: must be a string');
    expect(() => assertPlainName('x'.repeat(11), 'team', 10)).toThrow('at most 10');
    expect(() => assertPlainName('', 'username', 10, 1)).toThrow('at least 1');
  });
});
