import { describe, expect, it } from 'vitest';
import { inputDesktopOf } from './input-desktop.js';

describe('the input desktop', () => {
  it('is the user\'s own only when it is named Default', () => {
    expect(inputDesktopOf('Default')).toBe('default');
    expect(inputDesktopOf('default')).toBe('default');
    expect(inputDesktopOf('Winlogon')).toBe('secure');
    expect(inputDesktopOf('Screen-saver')).toBe('secure');
    expect(inputDesktopOf(null)).toBe('secure');
  });
});
