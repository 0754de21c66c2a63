import { describe, it, expect } from 'vitest';
import { fromWindowsText, toWindowsText } from './windows-clipboard.js';

describe('the clipboard\'s line ends', () => {
  it('\\n becomes \\r\\n on the way in, and back on the way out; a lone \\r too', () => {
    expect(toWindowsText('a\nb\r\nc\rd')).toBe('a\r\nb\r\nc\r\nd');
    expect(fromWindowsText('a\r\nb\r\n')).toBe('a\nb\n');
    expect(fromWindowsText(toWindowsText('日本\n語\n'))).toBe('日本\n語\n');
    expect(toWindowsText('')).toBe('');
  });
});
