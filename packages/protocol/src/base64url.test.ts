import { describe, it, expect } from 'vitest';
import { fromBase64Url, isBase64Url, toBase64Url } from './base64url.js';

describe('base64url', () => {
  it('agrees with Node\'s encoder for every length up to 64, both ways', () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = globalThis.crypto.getRandomValues(new Uint8Array(n));
      const expected = Buffer.from(bytes).toString('base64url');
      expect(toBase64Url(bytes)).toBe(expected);
      expect(fromBase64Url(expected)).toEqual(bytes);
    }
  });

  it('matches the RFC 4648 §10 vectors (unpadded, URL alphabet)', () => {
    const enc = (s: string): string => toBase64Url(new TextEncoder().encode(s));
    expect(['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map(enc)).toEqual(['', 'Zg', 'Zm8', 'Zm9v', 'Zm9vYg', 'Zm9vYmE', 'Zm9vYmFy']);
    expect(toBase64Url(Uint8Array.of(0xfb, 0xff))).toBe('-_8');
  });

  it.each([
    ['padding', 'Zg=='],
    ['the standard alphabet', '+/8'],
    ['an impossible length', 'Zm9vY'],
    ['non-zero unused bits', 'Zh'],
    ['whitespace', 'Zm9v Yg'],
    ['a non-ASCII character', 'Zm9vé'],
  ])('refuses %s', (_label, text) => {
    expect(() => fromBase64Url(text)).toThrow(TypeError);
    expect(isBase64Url(text)).toBe(false);
  });
});
