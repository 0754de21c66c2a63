import { describe, expect, it } from 'vitest';
import { ticketLabel } from './invitations.js';

describe('ticketLabel', () => {
  it('is ticket: and the first 8 hex characters of the SHA-256 of the ticket', () => {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (FIPS 180-2, appendix B.1).
    expect(ticketLabel('abc')).toBe('ticket:ba7816bf');
  });
});
