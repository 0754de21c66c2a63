import { describe, it, expect } from 'vitest';
import { encodeVncPasswordFile } from '@tandem/rfb';
import { parseVncPasswordFile } from './password-file.js';

describe('parseVncPasswordFile', () => {
  it('reads the first line of a text file', () => {
    expect(parseVncPasswordFile(Buffer.from('secret-1\nignored\n'))).toBe('secret-1');
    expect(parseVncPasswordFile(Buffer.from('abcdefgh'))).toBe('abcdefgh');
    expect(parseVncPasswordFile(Buffer.from('pw\r\n'))).toBe('pw');
  });

  it('reads the vncpasswd format', () => {
    for (const pw of ['bridge-8', 'a', 'tandem-8', '12345678']) expect(parseVncPasswordFile(encodeVncPasswordFile(pw))).toBe(pw);
  });
});
