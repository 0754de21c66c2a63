import { describe, expect, it } from 'vitest';
import { checkInvitationPassword, GUESS_ODDS, minInvitationPasswordChars } from './password-input.js';

describe('invitation password minimum', () => {
  it('keeps the chance of --max-wrong guesses at random digits below one in a million', () => {
    expect([1, 5, 9, 10, 99, 100, 999].map(minInvitationPasswordChars)).toEqual([7, 7, 7, 8, 8, 9, 9]);
    for (let maxWrong = 1; maxWrong <= 999; maxWrong++) {
      const min = minInvitationPasswordChars(maxWrong);
      // Below the bound at the minimum, not below it one character shorter: the minimum is tight.
      expect(maxWrong / 10 ** min).toBeLessThan(1 / GUESS_ODDS);
      expect(maxWrong / 10 ** (min - 1)).toBeGreaterThanOrEqual(1 / GUESS_ODDS);
    }
  });

  it('refuses a shorter password with TANDEM_ERR_BAD_INPUT naming the minimum, and takes one of that length', () => {
    expect(() => checkInvitationPassword('271828', '--password-file', 5)).toThrow(
      expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT', message: expect.stringMatching(/^--password-file: the password must have at least 7 characters with --max-wrong 5/) }),
    );
    expect(checkInvitationPassword('2718281', '--password-file', 5)).toBe('2718281');
    expect(() => checkInvitationPassword('2718281', '--password-stdin', 10)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT', message: expect.stringContaining('at least 8 characters') }));
    // Characters, not UTF-16 units: seven kanji are seven characters.
    expect(checkInvitationPassword('𠮷𠮷𠮷𠮷𠮷𠮷𠮷', '--ask-password', 5)).toBe('𠮷𠮷𠮷𠮷𠮷𠮷𠮷');
    expect(() => checkInvitationPassword('𠮷𠮷𠮷𠮷', '--ask-password', 5)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT' }));
  });
});
