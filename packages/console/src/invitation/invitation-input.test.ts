import { describe, it, expect } from 'vitest';
import { createInvitation, encodeInvitation, invitationLink, TandemError, type Invitation } from '@tandem/protocol';
import { invitationSecret, invitationTiming, matchingRelay, readInvitationFile, readInvitationText, relativeTime } from './invitation-input.js';

const NOW = Date.UTC(2025, 5, 1, 9, 30, 0);

function make(passwordProtected: boolean, relays = [{ url: 'https://support.example.com' }, { url: 'https://relay2.example.net:8443' }]): Invitation {
  return createInvitation({ customerName: '山田 太郎', relays, lifetimeSeconds: 3600, passwordProtected, now: NOW });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof TandemError ? err.code : 'not-a-TandemError';
  }
  return undefined;
}

describe('readInvitationText', () => {
  it('reads the file text, a link and a bare route fragment alike', () => {
    const inv = make(false);
    const link = invitationLink(inv, 'https://console.example.org');
    expect(readInvitationText(encodeInvitation(inv))).toEqual(inv);
    expect(readInvitationText(`  ${link}\n`)).toEqual(inv);
    expect(readInvitationText(link.slice(link.indexOf('#')))).toEqual(inv);
    // Windows editors: BOM and CRLF.
    expect(readInvitationText(`\uFEFF${encodeInvitation(inv).replace(/\n/g, '\r\n')}`)).toEqual(inv);
  });

  it('refuses empty, edited, damaged and newer invitations with their codes', () => {
    expect(codeOf(() => readInvitationText('   '))).toBe('TANDEM_ERR_INVITATION_INVALID');
    const text = encodeInvitation(make(true));
    expect(codeOf(() => readInvitationText(text.replace('Lifetime: 3600', 'Lifetime: 7200')))).toBe('TANDEM_ERR_INVITATION_INVALID');
    expect(codeOf(() => readInvitationText('#/invitation/%%%'))).toBe('TANDEM_ERR_INVITATION_INVALID');
    expect(codeOf(() => readInvitationText('https://x.example/#/setup/abc'))).toBe('TANDEM_ERR_INVITATION_INVALID');
    expect(codeOf(() => readInvitationText(text.replace('Tandem-Invitation: 1', 'Tandem-Invitation: 2')))).toBe('TANDEM_ERR_INVITATION_VERSION');
  });
});

describe('readInvitationFile', () => {
  it('reads a file and refuses one far too large before reading it', async () => {
    const inv = make(true);
    await expect(readInvitationFile(new Blob([encodeInvitation(inv)]))).resolves.toEqual(inv);
    await expect(readInvitationFile(new Blob(['x'.repeat(5000)]))).rejects.toMatchObject({ code: 'TANDEM_ERR_INVITATION_INVALID', message: expect.stringMatching(/larger than 4096/) });
  });
});

describe('matchingRelay', () => {
  const inv = make(false);
  it('matches normalised origins only', () => {
    expect(matchingRelay(inv, 'https://support.example.com')).toBe('https://support.example.com');
    expect(matchingRelay(inv, 'https://SUPPORT.example.com:443')).toBe('https://support.example.com');
    expect(matchingRelay(inv, 'https://relay2.example.net:8443')).toBe('https://relay2.example.net:8443');
    expect(matchingRelay(inv, 'https://relay2.example.net')).toBeUndefined();
    expect(matchingRelay(inv, 'http://support.example.com')).toBeUndefined();
    expect(matchingRelay(inv, 'https://other.example.com')).toBeUndefined();
    expect(matchingRelay(inv, 'null')).toBeUndefined();
  });
  it('matches a loopback relay with its port', () => {
    const local = make(false, [{ url: 'http://127.0.0.1:4567' }]);
    expect(matchingRelay(local, 'http://127.0.0.1:4567')).toBe('http://127.0.0.1:4567');
    expect(matchingRelay(local, 'http://localhost:4567')).toBeUndefined();
  });
});

describe('invitationSecret', () => {
  it('is the password as typed when protected, else the file secret', () => {
    expect(invitationSecret(make(true), ' pa ss ')).toBe(' pa ss ');
    expect(codeOf(() => invitationSecret(make(true), ''))).toBe('TANDEM_ERR_BAD_INPUT');
    const open = make(false);
    expect(invitationSecret(open, 'ignored')).toBe(open.secret);
  });
});

describe('invitationTiming and relativeTime', () => {
  it('says expired only from the expiry on', () => {
    const inv = make(false);
    expect(invitationTiming(inv, NOW)).toEqual({ expiresAt: NOW + 3_600_000, remainingMs: 3_600_000, expired: false });
    expect(invitationTiming(inv, NOW + 3_600_000 - 1).expired).toBe(false);
    expect(invitationTiming(inv, NOW + 3_600_000).expired).toBe(true);
    expect(invitationTiming(inv, NOW + 2 * 86_400_000).remainingMs).toBeLessThan(0);
  });
  it('picks the largest unit and never overstates', () => {
    expect(relativeTime(59_999)).toEqual({ value: 59, unit: 'second' });
    expect(relativeTime(3_599_999)).toEqual({ value: 59, unit: 'minute' });
    expect(relativeTime(119 * 60_000 + 59_000)).toEqual({ value: 119, unit: 'minute' });
    expect(relativeTime(2 * 3_600_000)).toEqual({ value: 2, unit: 'hour' });
    expect(relativeTime(3 * 86_400_000 + 5)).toEqual({ value: 3, unit: 'day' });
    expect(relativeTime(-3 * 86_400_000)).toEqual({ value: -3, unit: 'day' });
    expect(relativeTime(-90_000)).toEqual({ value: -1, unit: 'minute' });
  });
});
