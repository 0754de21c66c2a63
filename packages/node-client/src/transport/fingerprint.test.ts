import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { normaliseFingerprint, certificateFingerprint, formatFingerprint } from './fingerprint.js';

const hex = createHash('sha256').update('cert').digest('hex');

describe('normaliseFingerprint', () => {
  it('accepts lower, upper case and colon forms alike', () => {
    expect(normaliseFingerprint(hex)).toBe(hex);
    expect(normaliseFingerprint(hex.toUpperCase())).toBe(hex);
    expect(normaliseFingerprint(formatFingerprint(hex))).toBe(hex);
    expect(normaliseFingerprint(`  ${formatFingerprint(hex).toLowerCase()} `)).toBe(hex);
    expect(normaliseFingerprint(`SHA256:${hex}`)).toBe(hex);
  });
  it('rejects wrong lengths and non-hex digits, naming the option', () => {
    expect(() => normaliseFingerprint(hex.slice(2))).toThrow(/--relay-fingerprint/);
    expect(() => normaliseFingerprint(`${hex}00`)).toThrow(/64 hex digits/);
    expect(() => normaliseFingerprint(`${hex.slice(1)}g`)).toThrow(/TANDEM|fingerprint/);
    expect(() => normaliseFingerprint('')).toThrow();
  });
});

describe('certificateFingerprint', () => {
  it('is SHA-256 of the DER bytes in hex', () => {
    expect(certificateFingerprint(Buffer.from('cert'))).toBe(hex);
  });
  it('formats with colons in upper case', () => {
    expect(formatFingerprint('ab01'.repeat(16))).toMatch(/^AB:01:AB:01/);
  });
});
