import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { CONSOLE_PATH } from './constants.js';
import { fromBase64Url, toBase64Url } from './base64url.js';
import { TandemError } from './errors.js';
import {
  INVITATION_EXTENSION,
  INVITATION_LIMITS,
  INVITATION_MEDIA_TYPE,
  createInvitation,
  encodeInvitation,
  invitationExpiresAt,
  invitationLink,
  isInvitationExpired,
  parseInvitation,
  parseInvitationLink,
  readInvitation,
  type Invitation,
} from './invitation.js';
import type { RandomBytes } from './session-code.js';

/** Deterministic bytes so that files are reproducible in tests. */
function counterRandom(seed = 1): RandomBytes {
  let n = seed;
  return (length) => Uint8Array.from({ length }, () => (n++ * 37) & 0xff);
}

const NOW = Date.UTC(2025, 5, 1, 9, 30, 0, 456);
const FP = 'ab'.repeat(32);

function sample(overrides: Partial<Parameters<typeof createInvitation>[0]> = {}): Invitation {
  return createInvitation({
    customerName: 'Kim Abercrombie',
    relays: [{ url: 'https://relay.example.com' }, { url: 'https://backup.example.net:8443', fingerprint: FP }],
    lifetimeSeconds: 3600,
    passwordProtected: false,
    now: NOW,
    random: counterRandom(),
    ...overrides,
  });
}

/** Expects a TandemError (INVITATION_INVALID unless `code` says otherwise) whose message matches `pattern`. */
function expectBad(fn: () => unknown, pattern: RegExp, code = 'TANDEM_ERR_INVITATION_INVALID'): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(TandemError);
  expect((caught as TandemError).code).toBe(code);
  expect((caught as TandemError).message).toMatch(pattern);
}

/** The lines of a sample file, to edit. */
function linesOf(inv: Invitation): string[] {
  return encodeInvitation(inv).trimEnd().split('\n');
}
const join = (lines: string[]): string => `${lines.join('\n')}\n`;
const lineIndex = (lines: string[], field: string): number => lines.findIndex((l) => l.startsWith(`${field}: `));

describe('invitation constants', () => {
  it('names its media type and extension', () => {
    expect(INVITATION_MEDIA_TYPE).toBe('application/vnd.tandem.invitation');
    expect(INVITATION_EXTENSION).toBe('.tandem');
  });
});

describe('createInvitation', () => {
  it('draws an id, a 128-bit ticket and, without a password, a 128-bit secret', () => {
    const inv = createInvitation({ customerName: 'A', relays: [{ url: 'https://r.example' }], lifetimeSeconds: 60, passwordProtected: false, now: NOW });
    expect(inv.id).toMatch(/^[0-9a-f]{12}$/);
    expect(fromBase64Url(inv.ticket).length).toBeGreaterThanOrEqual(16);
    expect(fromBase64Url(inv.secret as string).length).toBeGreaterThanOrEqual(16);
    const other = createInvitation({ customerName: 'A', relays: [{ url: 'https://r.example' }], lifetimeSeconds: 60, passwordProtected: false, now: NOW });
    expect(other.ticket).not.toBe(inv.ticket);
    expect(other.secret).not.toBe(inv.secret);
  });

  it('has no secret when a password protects it', () => {
    const inv = sample({ passwordProtected: true });
    expect(inv.passwordProtected).toBe(true);
    expect(inv.secret).toBeUndefined();
    expect(encodeInvitation(inv)).not.toMatch(/^Secret:/m);
  });

  it('rounds the start down to the second and keeps the lifetime', () => {
    const inv = sample();
    expect(inv.start).toBe(Date.UTC(2025, 5, 1, 9, 30, 0));
    expect(inv.lifetimeSeconds).toBe(3600);
  });

  it('normalises relay addresses to origins and fingerprints to lower-case hex', () => {
    const inv = sample({ relays: [{ url: 'https://RELAY.Example.com:443/', fingerprint: 'AB:'.repeat(31) + 'AB' }, { url: 'http://10.0.0.5:8080' }] });
    expect(inv.relays).toEqual([{ url: 'https://relay.example.com', fingerprint: FP }, { url: 'http://10.0.0.5:8080' }]);
  });

  it('trims the name and puts it in NFC', () => {
    expect(sample({ customerName: '  Kim  ' }).customerName).toBe('Kim');
    expect(sample({ customerName: 'Jose\u0301' }).customerName).toBe('Jos\u00e9');
  });

  it.each([
    ['an empty name', { customerName: '   ' }, /customerName is empty/],
    ['a name with a newline', { customerName: 'Kim\nChecksum: 00' }, /line break, control or text-direction/],
    ['a name with a carriage return', { customerName: 'Kim\rX' }, /line break, control or text-direction/],
    ['a name with U+2028', { customerName: 'Kim\u2028X' }, /line break, control or text-direction/],
    ['a name with a bidi override', { customerName: 'Kim \u202Egnp.exe' }, /line break, control or text-direction/],
    ['a name too long', { customerName: 'x'.repeat(121) }, /longer than 120/],
    ['no relay', { relays: [] }, /at least one Relay/],
    ['nine relays', { relays: Array.from({ length: 9 }, (_, i) => ({ url: `https://r${i}.example` })) }, /at most 8 Relay/],
    ['a duplicated relay', { relays: [{ url: 'https://r.example' }, { url: 'https://R.example:443' }] }, /listed twice/],
    ['a relay with a path', { relays: [{ url: 'https://r.example/x' }] }, /only the relay's address/],
    ['a relay with credentials', { relays: [{ url: 'https://u:p@r.example' }] }, /user name or password/],
    ['a ws:// relay', { relays: [{ url: 'wss://r.example' }] }, /https:\/\/ or http:\/\//],
    ['a bad fingerprint', { relays: [{ url: 'https://r.example', fingerprint: 'abc' }] }, /fingerprint/, 'TANDEM_ERR_BAD_INPUT'],
    ['a zero lifetime', { lifetimeSeconds: 0 }, /Lifetime must be a whole number/],
    ['a lifetime over 30 days', { lifetimeSeconds: 30 * 86400 + 1 }, /Lifetime must be a whole number/],
    ['a fractional lifetime', { lifetimeSeconds: 1.5 }, /Lifetime must be a whole number/],
    ['a bad clock', { now: Number.NaN }, /now: must be a time/, 'TANDEM_ERR_BAD_INPUT'],
  ] as const)('refuses %s', (_label, overrides, pattern, code?: string) => {
    // Arguments a program passes wrongly are BAD_INPUT; what makes an invitation itself bad is INVITATION_INVALID.
    expectBad(() => sample(overrides as Partial<Parameters<typeof createInvitation>[0]>), pattern, code ?? 'TANDEM_ERR_INVITATION_INVALID');
  });
});

describe('encodeInvitation / parseInvitation', () => {
  it('writes the documented line format', () => {
    const text = encodeInvitation(sample());
    const lines = text.split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      'Tandem-Invitation', 'Id', 'Ticket', 'Customer', 'Password-Protected', 'Start', 'Lifetime', 'Relay', 'Relay', 'Secret', 'Checksum', '',
    ]);
    expect(lines[0]).toBe('Tandem-Invitation: 1');
    expect(lines[5]).toBe('Start: 2025-06-01T09:30:00Z');
    expect(lines[8]).toBe(`Relay: https://backup.example.net:8443 ${FP}`);
    expect(lines[10]).toMatch(/^Checksum: [0-9a-f]{32}$/);
  });

  it.each([
    ['without a password', {}],
    ['with a password', { passwordProtected: true }],
    ['a Japanese name', { customerName: '山田 太郎（経理部）' }],
    ['a name with colons', { customerName: 'Dr: Who: Relay: https://evil.example' }],
    ['a name with emoji and quotes', { customerName: 'O\'Brien "Bob" 🙂' }],
    ['eight relays, some with fingerprints', { relays: Array.from({ length: 8 }, (_, i) => (i % 2 ? { url: `https://r${i}.example:${8000 + i}`, fingerprint: FP } : { url: `http://r${i}.example` })) }],
    ['the longest lifetime', { lifetimeSeconds: INVITATION_LIMITS.maxLifetimeSeconds }],
  ] as const)('round-trips %s', (_label, overrides) => {
    const inv = sample(overrides);
    const text = encodeInvitation(inv);
    expect(parseInvitation(text)).toEqual(inv);
    expect(encodeInvitation(parseInvitation(text))).toBe(text);
  });

  it('keeps the relay order', () => {
    const inv = sample({ relays: [{ url: 'https://z.example' }, { url: 'https://a.example' }, { url: 'https://m.example' }] });
    expect(parseInvitation(encodeInvitation(inv)).relays.map((r) => r.url)).toEqual(['https://z.example', 'https://a.example', 'https://m.example']);
  });

  it('accepts a byte order mark, CRLF line ends and extra final line ends (a Windows editor)', () => {
    const inv = sample({ customerName: '山田 太郎' });
    const text = `\uFEFF${encodeInvitation(inv).replace(/\n/g, '\r\n')}\r\n\r\n`;
    expect(parseInvitation(text)).toEqual(inv);
    expect(parseInvitation(encodeInvitation(inv).trimEnd())).toEqual(inv);
  });

  it('refuses to encode an invalid object', () => {
    const inv = sample();
    expectBad(() => encodeInvitation({ ...inv, secret: undefined }), /Secret is missing/);
    expectBad(() => encodeInvitation({ ...inv, passwordProtected: true }), /Secret must not be present/);
    expectBad(() => encodeInvitation({ ...inv, start: inv.start + 1 }), /Start must be a whole second/);
    expectBad(() => encodeInvitation({ ...inv, id: 'XYZ' }), /Id must be 12/);
    expectBad(() => encodeInvitation({ ...inv, ticket: 'shortAAA' }), /Ticket must hold 128/);
    expectBad(() => encodeInvitation({ ...inv, relays: [{ url: 'https://r.example/' }] }), /must be written as its origin/);
  });
});

describe('parseInvitation errors', () => {
  const withSecret = sample();
  const withPassword = sample({ passwordProtected: true });

  it.each(['Id', 'Ticket', 'Customer', 'Password-Protected', 'Start', 'Lifetime', 'Relay', 'Secret', 'Checksum'])('names the missing field %s', (field) => {
    const lines = linesOf(withSecret).filter((l) => !l.startsWith(`${field}: `));
    expectBad(() => parseInvitation(join(lines)), new RegExp(`field ${field} is missing`));
  });

  it('names a missing header', () => {
    expectBad(() => parseInvitation(join(linesOf(withSecret).slice(1))), /not a Tandem invitation/);
    expectBad(() => parseInvitation(''), /not a Tandem invitation/);
    expectBad(() => parseInvitation('<html>hello</html>'), /not a Tandem invitation/);
  });

  it.each([
    ['Tandem-Invitation', 'x', /version on the first line must be a whole number/],
    ['Tandem-Invitation', '1 ', /version on the first line must be a whole number/],
    ['Id', 'ABCDEF012345', /Id \(line 2\) must be 12 lower-case hex/],
    ['Id', '0123', /Id \(line 2\) must be 12 lower-case hex/],
    ['Ticket', 'not base64!', /Ticket \(line 3\) must be base64url/],
    ['Ticket', 'AAAA', /Ticket \(line 3\) must hold 128 to 512 bits, it holds 24/],
    ['Ticket', 'AAAAAAAAAAAAAAAAAAAAAB', /Ticket \(line 3\) must be base64url/],
    ['Ticket', 'AAAAAAAAAAAAAAAAAAAAAA==', /Ticket \(line 3\) must be base64url/],
    ['Customer', ' Kim', /Customer \(line 4\) must not start or end with spaces/],
    ['Customer', 'Kim\u2028x', /Customer \(line 4\) holds a line break/],
    ['Customer', 'Kim\rx', /Customer \(line 4\) holds a line break/],
    ['Customer', 'Jose\u0301', /Customer \(line 4\) is not in Unicode normal form C/],
    ['Customer', 'x'.repeat(121), /Customer \(line 4\) is longer than 120/],
    ['Password-Protected', 'true', /Password-Protected \(line 5\) must be yes or no/],
    ['Start', '2025-06-01 09:30:00Z', /Start \(line 6\) must be a UTC time/],
    ['Start', '2025-06-01T09:30:00+09:00', /Start \(line 6\) must be a UTC time/],
    ['Start', '2025-06-01T09:30:00.000Z', /Start \(line 6\) must be a UTC time/],
    ['Start', '2025-02-30T09:30:00Z', /Start \(line 6\) must be a UTC time/],
    ['Start', '992646863', /Start \(line 6\) must be a UTC time/],
    ['Lifetime', '1h', /Lifetime \(line 7\) must be a whole number of seconds from 1 to 2592000/],
    ['Lifetime', '0', /Lifetime \(line 7\) must be a whole number/],
    ['Lifetime', '060', /Lifetime \(line 7\) must be a whole number/],
    ['Lifetime', '2592001', /Lifetime \(line 7\) must be a whole number/],
    ['Relay', 'relay.example.com', /Relay \(line 8\): not a URL/],
    ['Relay', 'ftp://relay.example.com', /Relay \(line 8\): must start with https/],
    ['Relay', 'https://relay.example.com/', /Relay \(line 8\) must be written as its origin, https:\/\/relay.example.com/],
    ['Relay', 'https://relay.example.com/support', /Relay \(line 8\): give only the relay's address/],
    ['Relay', `https://relay.example.com ${FP.toUpperCase()}`, /fingerprint of Relay \(line 8\) must be 64 lower-case hex/],
    ['Relay', 'https://relay.example.com abc', /fingerprint of Relay \(line 8\)/],
    ['Relay', `https://relay.example.com ${FP} extra`, /Relay \(line 8\) must be "URL" or "URL FINGERPRINT"/],
    ['Relay', 'https://relay.example.com:443', /Relay \(line 8\) must be written as its origin, https:\/\/relay.example.com$/],
    ['Secret', 'tooShort', /Secret \(line 10\) must hold 128/],
    ['Secret', 'has spaces in it and more', /Secret \(line 10\) must be base64url/],
    ['Checksum', 'XYZ', /Checksum \(line 11\) must be 32 lower-case hex/],
  ] as const)('names the malformed field %s = %j', (field, value, pattern) => {
    const lines = linesOf(withSecret);
    lines[lineIndex(lines, field)] = `${field}: ${value}`;
    expectBad(() => parseInvitation(join(lines)), pattern);
  });

  it('names a relay listed twice', () => {
    const lines = linesOf(withSecret);
    lines[8] = 'Relay: https://relay.example.com';
    expectBad(() => parseInvitation(join(lines)), /Relay https:\/\/relay.example.com \(line 9\) is listed twice/);
  });

  it('names a field with no value and a line that is not "Name: value"', () => {
    const lines = linesOf(withSecret);
    lines[3] = 'Customer:';
    expectBad(() => parseInvitation(join(lines)), /field Customer \(line 4\) has no value/);
    lines[3] = 'Customer:Kim';
    expectBad(() => parseInvitation(join(lines)), /line 4 is not "Name: value"/);
    lines[3] = '';
    expectBad(() => parseInvitation(join(lines)), /line 4 is empty/);
  });

  it.each(['Id', 'Ticket', 'Customer', 'Password-Protected', 'Start', 'Lifetime', 'Secret', 'Checksum'])('names the duplicated field %s', (field) => {
    const lines = linesOf(withSecret);
    const i = lineIndex(lines, field);
    lines.splice(i + 1, 0, lines[i] as string);
    expectBad(() => parseInvitation(join(lines)), new RegExp(`field ${field} appears more than once`));
  });

  it('names a repeated header', () => {
    const lines = linesOf(withSecret);
    lines.splice(2, 0, 'Tandem-Invitation: 1');
    expectBad(() => parseInvitation(join(lines)), /header appears again on line 3/);
  });

  it.each([
    ['Id', 'Ticket'],
    ['Customer', 'Password-Protected'],
    ['Start', 'Lifetime'],
    ['Lifetime', 'Relay'],
    ['Relay', 'Secret'],
    ['Secret', 'Checksum'],
  ])('names a reordered field (%s after %s)', (a, b) => {
    const lines = linesOf(withSecret);
    const ia = lineIndex(lines, a);
    const ib = lineIndex(lines, b);
    [lines[ia], lines[ib]] = [lines[ib] as string, lines[ia] as string];
    expectBad(() => parseInvitation(join(lines)), /is out of order|Checksum must be the last line/);
  });

  it('wants Relay lines together', () => {
    const lines = linesOf(sample({ relays: [{ url: 'https://a.example' }, { url: 'https://b.example' }], passwordProtected: false }));
    const relay2 = lines.splice(8, 1)[0] as string;
    lines.splice(9, 0, relay2);
    expectBad(() => parseInvitation(join(lines)), /field Relay \(line 10\) is out of order: Relay lines come together, before Secret/);
  });

  it('names an unknown field wherever it is', () => {
    for (const at of [1, 5, 10]) {
      const lines = linesOf(withSecret);
      lines.splice(at, 0, 'Expires: 2025-06-01T10:30:00Z');
      expectBad(() => parseInvitation(join(lines)), new RegExp(`unknown field "Expires" on line ${at + 1}`));
    }
    const lines = linesOf(withSecret);
    lines.push('Signature: abc');
    expectBad(() => parseInvitation(join(lines)), /unknown field "Signature" on line 12/);
  });

  it('wants Checksum last', () => {
    const lines = linesOf(withSecret);
    lines.push('Relay: https://late.example');
    expectBad(() => parseInvitation(join(lines)), /field Relay \(line 12\) is out of order: Relay lines come together, before Checksum/);
  });

  it('wants Secret exactly when there is no password', () => {
    const lines = linesOf(withSecret);
    lines[lineIndex(lines, 'Password-Protected')] = 'Password-Protected: yes';
    expectBad(() => parseInvitation(join(lines)), /Secret \(line 10\) must not be present when Password-Protected is yes/);
    const pw = linesOf(withPassword);
    pw[lineIndex(pw, 'Password-Protected')] = 'Password-Protected: no';
    expectBad(() => parseInvitation(join(pw)), /field Secret is missing/);
  });

  it.each([
    ['Id', (v: string) => v.replace(/.$/, (c) => (c === '0' ? '1' : '0'))],
    ['Ticket', (v: string) => (v.startsWith('A') ? `B${v.slice(1)}` : `A${v.slice(1)}`)],
    ['Customer', () => 'Kim Abercrombie Jr'],
    ['Start', () => '2025-06-02T09:30:00Z'],
    ['Lifetime', () => '86400'],
    ['Relay', () => 'https://attacker.example'],
    ['Secret', (v: string) => (v.startsWith('A') ? `B${v.slice(1)}` : `A${v.slice(1)}`)],
    ['Checksum', (v: string) => v.replace(/^./, (c) => (c === '0' ? '1' : '0'))],
  ] as const)('detects an edited %s by its checksum', (field, edit) => {
    const lines = linesOf(withSecret);
    const i = lineIndex(lines, field);
    lines[i] = `${field}: ${edit((lines[i] as string).slice(field.length + 2))}`;
    expectBad(() => parseInvitation(join(lines)), /checksum does not match: the file was changed/);
  });

  it('detects an edit of Password-Protected, removing a relay, and an edit of a fingerprint', () => {
    const pw = linesOf(withPassword);
    pw[lineIndex(pw, 'Password-Protected')] = 'Password-Protected: no';
    pw.splice(pw.length - 1, 0, 'Secret: AAAAAAAAAAAAAAAAAAAAAA');
    expectBad(() => parseInvitation(join(pw)), /checksum does not match/);
    const lines = linesOf(withSecret);
    lines.splice(lineIndex(lines, 'Relay'), 1);
    expectBad(() => parseInvitation(join(lines)), /checksum does not match/);
    const fp = linesOf(withSecret);
    fp[8] = (fp[8] as string).replace(FP, 'cd'.repeat(32));
    expectBad(() => parseInvitation(join(fp)), /checksum does not match/);
  });

  it('names an invitation from a newer Tandem, before anything else in it', () => {
    const lines = linesOf(withSecret);
    lines[0] = 'Tandem-Invitation: 2';
    lines.splice(3, 0, 'Future-Field: something');
    expectBad(() => parseInvitation(join(lines)), /made by a newer Tandem \(format version 2\).*update Tandem/, 'TANDEM_ERR_INVITATION_VERSION');
    expectBad(() => parseInvitation(`Tandem-Invitation: 17\n${'X: y\n'.repeat(2000)}`), /newer Tandem \(format version 17\)/, 'TANDEM_ERR_INVITATION_VERSION');
  });

  it('refuses an oversized file', () => {
    const lines = linesOf(withSecret);
    lines.splice(3, 0, `X-Padding: ${'a'.repeat(INVITATION_LIMITS.maxFileBytes)}`);
    expectBad(() => parseInvitation(join(lines)), /larger than 4096 bytes/);
  });

  it('refuses a non-string', () => {
    expectBad(() => parseInvitation(42 as unknown as string), /must be text/);
  });
});

describe('invitation links', () => {
  it('round-trips through the console link, with everything in the fragment', () => {
    for (const inv of [sample(), sample({ passwordProtected: true, customerName: '山田 太郎' })]) {
      const link = invitationLink(inv, 'https://console.example.com:8443/');
      expect(link.startsWith('https://console.example.com:8443/#/invitation/')).toBe(true);
      const url = new URL(link);
      expect(url.search).toBe('');
      expect(url.pathname).toBe('/');
      const beforeFragment = link.slice(0, link.indexOf('#'));
      expect(beforeFragment).toBe('https://console.example.com:8443/');
      expect(parseInvitationLink(link)).toEqual(inv);
      expect(readInvitation(link)).toEqual(inv);
      expect(readInvitation(`  ${link}\n`)).toEqual(inv);
    }
  });

  it('carries the secret only in the fragment', () => {
    const inv = sample();
    const link = invitationLink(inv, 'https://console.example.com');
    const url = new URL(link);
    const data = url.hash.slice('#/invitation/'.length);
    expect(new TextDecoder().decode(fromBase64Url(data))).toContain(`Secret: ${inv.secret}`);
    expect(`${url.origin}${url.pathname}${url.search}`).not.toContain(toBase64Url(new TextEncoder().encode('Secret')));
  });

  it('opens a link made for another console origin', () => {
    const inv = sample();
    const link = invitationLink(inv, 'http://localhost:3000').replace('http://localhost:3000', 'https://other.example');
    expect(parseInvitationLink(link)).toEqual(inv);
  });

  it("names the relay's origin, and opens the same link at the console's own address", () => {
    const inv = sample();
    const link = invitationLink(inv, 'https://support.example.com');
    expect(link.startsWith('https://support.example.com/#/invitation/')).toBe(true);
    expect(parseInvitationLink(link.replace('https://support.example.com/', `https://support.example.com${CONSOLE_PATH}`))).toEqual(inv);
  });

  it('refuses a bad console origin', () => {
    expectBad(() => invitationLink(sample(), 'https://console.example.com/app'), /consoleOrigin: give only/);
  });

  it.each([
    ['not a link', 'hello', /this is not a link/],
    ['another route', 'https://c.example/#/setup/abc', /not an invitation link/],
    ['an empty payload', 'https://c.example/#/invitation/', /carries no invitation/],
    ['a damaged payload', 'https://c.example/#/invitation/%%%', /link is damaged/],
    ['a truncated payload', 'TRUNC', /link is damaged|checksum|missing/],
    ['an overlong link', `https://c.example/#/invitation/${'A'.repeat(9000)}`, /longer than 8192/],
  ] as const)('refuses %s', (_label, link, pattern) => {
    const value = link === 'TRUNC' ? invitationLink(sample(), 'https://c.example').slice(0, -10) : link;
    expectBad(() => parseInvitationLink(value), pattern);
  });

  it('reads either a file or a link', () => {
    const inv = sample();
    expect(readInvitation(encodeInvitation(inv))).toEqual(inv);
    expect(readInvitation(`\uFEFF${encodeInvitation(inv)}`)).toEqual(inv);
  });
});

describe('invitation expiry', () => {
  const inv = sample({ lifetimeSeconds: 3600 });
  const start = Date.UTC(2025, 5, 1, 9, 30, 0);

  it('expires at start + lifetime', () => {
    expect(invitationExpiresAt(inv)).toBe(start + 3_600_000);
  });

  it('is live before the end and expired from the end on, by the clock it is given', () => {
    expect(isInvitationExpired(inv, start)).toBe(false);
    expect(isInvitationExpired(inv, start + 3_599_999)).toBe(false);
    expect(isInvitationExpired(inv, start + 3_600_000)).toBe(true);
    expect(isInvitationExpired(inv, start + 3 * 86_400_000)).toBe(true);
  });

  it('depends only on the clock passed in: a clock wound back says live, a customer clock says expired', () => {
    const customerNow = start + 2 * 3_600_000;
    const technicianNow = customerNow - 3 * 86_400_000;
    expect(isInvitationExpired(inv, technicianNow)).toBe(false);
    expect(isInvitationExpired(inv, customerNow)).toBe(true);
  });

  it('survives the round trip with the same expiry', () => {
    expect(invitationExpiresAt(parseInvitation(encodeInvitation(inv)))).toBe(invitationExpiresAt(inv));
  });

  it('refuses a clock that is not a number', () => {
    expectBad(() => isInvitationExpired(inv, Number.NaN), /now: must be a time/, 'TANDEM_ERR_BAD_INPUT');
  });
});

describe('docs/invitation-format.md', () => {
  const doc = readFileSync(new URL('../../../docs/invitation-format.md', import.meta.url), 'utf8');
  const blocks = [...doc.matchAll(/```text\n([\s\S]*?)```/g)].map((m) => m[1] as string);

  it('holds example files that parse, with and without a password', () => {
    const files = blocks.filter((b) => b.startsWith('Tandem-Invitation: 1\n')).map(parseInvitation);
    expect(files.map((f) => f.passwordProtected)).toEqual([false, true]);
    expect(files[0]?.customerName).toBe('山田 太郎');
    expect(files[0]?.relays[1]?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('holds an example link equal to the password-protected example file', () => {
    const links = blocks.filter((b) => b.startsWith('https://')).map((b) => parseInvitationLink(b));
    const files = blocks.filter((b) => b.startsWith('Tandem-Invitation: 1\n')).map(parseInvitation);
    expect(links).toEqual([files[1]]);
  });

  it('names the media type and extension the code uses', () => {
    expect(doc).toContain(`| Media type | \`${INVITATION_MEDIA_TYPE}\``);
    expect(doc).toContain(`| File name extension | \`${INVITATION_EXTENSION}\``);
  });
});
