import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads minutes, seconds, hours and milliseconds', () => {
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('2s')).toBe(2000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2d')).toBe(172_800_000);
  });
  it('takes a bare number as seconds', () => {
    expect(parseDuration('30')).toBe(30_000);
  });
  it('rejects garbage, zero and negative values, naming the argument', () => {
    expect(() => parseDuration('five', '--code-lifetime')).toThrow(/--code-lifetime/);
    expect(() => parseDuration('0s')).toThrow(/positive/);
    expect(() => parseDuration('-5m')).toThrow(/not a duration/);
    expect(() => parseDuration('5w')).toThrow(/not a duration such as 30s, 5m, 1h or 2d/);
    expect(() => parseDuration('1 week', '--expires')).toThrow(/^--expires: "1 week" is not a duration/);
    expect(() => parseDuration('')).toThrow(/not a duration/);
  });
});
