import { describe, expect, it } from 'vitest';
import { CODE } from './constants.js';
import { TandemError } from './errors.js';
import { formatCode, makeSecret, parseCode, randomDigits } from './session-code.js';

describe('session codes', () => {
  it('joins a 3-digit nameplate and a 5-digit secret into the default 8 digits', () => {
    const secret = makeSecret();
    expect(secret).toMatch(/^[0-9]{5}$/);
    const code = formatCode({ nameplate: '042', secret });
    expect(code).toHaveLength(CODE.defaultLength);
    expect(parseCode(code)).toEqual({ nameplate: '042', secret });
  });

  it('keeps the secret at 5 digits when the nameplate grows', () => {
    expect(parseCode('123456789')).toEqual({ nameplate: '1234', secret: '56789' });
  });

  it('ignores spaces and dashes a person types', () => {
    expect(parseCode(' 123 45-678 ')).toEqual({ nameplate: '123', secret: '45678' });
  });

  it.each(['', '1234567', 'abcdefgh', '12345678901234567', '1234 567x'])('refuses %j with a clear error', (input) => {
    expect(() => parseCode(input)).toThrow(TandemError);
    expect(() => parseCode(input)).toThrow(/code:/);
  });

  it('draws uniform digits by rejection sampling', () => {
    // Bytes 250..255 must be skipped, not folded onto 0..5.
    let calls = 0;
    const random = (n: number): Uint8Array => {
      calls++;
      return calls === 1 ? new Uint8Array(n).fill(255) : new Uint8Array(n).fill(13);
    };
    expect(randomDigits(4, random)).toBe('3333');
    expect(calls).toBe(2);
  });

  it('spreads digits over 0-9', () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 1000; i++) for (const d of randomDigits(10)) counts[Number(d)]! += 1;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });
});
