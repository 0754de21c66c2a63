import { describe, it, expect } from 'vitest';
import { formatRemaining, groupCode } from './code-format.js';

describe('groupCode', () => {
  it('splits codes into even groups of 3 or 4, longer groups last', () => {
    expect(groupCode('12345678')).toEqual(['1234', '5678']);
    expect(groupCode('123456789')).toEqual(['123', '456', '789']);
    expect(groupCode('1234567890')).toEqual(['123', '456', '7890']);
    expect(groupCode('12345678901')).toEqual(['123', '4567', '8901']);
    expect(groupCode('1234567')).toEqual(['123', '4567']);
  });

  it('keeps every digit in order and ignores separators', () => {
    expect(groupCode('123 45-678').join('')).toBe('12345678');
    expect(groupCode('')).toEqual([]);
    expect(groupCode('123')).toEqual(['123']);
  });
});

describe('formatRemaining', () => {
  it('shows minutes and zero-padded seconds, rounding up', () => {
    expect(formatRemaining(5 * 60_000)).toBe('5:00');
    expect(formatRemaining(61_001)).toBe('1:02');
    expect(formatRemaining(999)).toBe('0:01');
    expect(formatRemaining(0)).toBe('0:00');
    expect(formatRemaining(-5000)).toBe('0:00');
  });
});
