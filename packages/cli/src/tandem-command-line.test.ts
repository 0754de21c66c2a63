/**
 * Every documented form of the `tandem` command line (README, "Scriptable
 * command lines"), the customer's and the technician's, parsed as scripts
 * type them.
 */
import { describe, it, expect } from 'vitest';
import { tandemCommandLine } from './index.js';

/** The `tandem` command line as scripts type it, parsed without running anything. */
const parseCliArgs = (argv: string[]): unknown => tandemCommandLine.parse(argv);

const FP = 'AB:'.repeat(31) + 'AB';
const HEX_FP = 'ab'.repeat(32);

describe('parseCliArgs: tandem join', () => {
  it('parses the full scriptable form', () => {
    expect(parseCliArgs(['join', '12345678', '--relay', 'https://relay.example:8443', '--no-browser', '--relay-fingerprint', FP, '--name', 'Hanako', '--customer-number', 'C-1', '--case', '42', '--event-log'])).toEqual({
      command: 'join',
      code: '12345678',
      relayUrl: 'https://relay.example:8443',
      browser: false,
      fingerprint: 'ab'.repeat(32),
      name: 'Hanako',
      customerNumber: 'C-1',
      caseNumber: '42',
      eventLog: true,
    });
  });
  it('defaults to the browser and accepts --opt=value', () => {
    expect(parseCliArgs(['join', '123-45678', '--relay=http://127.0.0.1:9000/'])).toEqual({
      command: 'join', code: '123-45678', relayUrl: 'http://127.0.0.1:9000', browser: true, eventLog: false,
    });
  });
  it('rejects bad codes, missing relay, unknown or repeated options', () => {
    expect(() => parseCliArgs(['join', '1234', '--relay', 'http://x'])).toThrow(/code/);
    expect(() => parseCliArgs(['join', '12345678'])).toThrow(/--relay is required/);
    // Without CODE the agent asks for it (page or terminal).
    expect(parseCliArgs(['join', '--relay', 'http://x'])).toEqual({ command: 'join', relayUrl: 'http://x', browser: true, eventLog: false });
    expect(() => parseCliArgs(['join', '12345678', '--relay', 'http://x', '--bogus'])).toThrow(/unknown option --bogus/);
    expect(() => parseCliArgs(['join', '12345678', '--relay', 'http://x', '--relay', 'http://y'])).toThrow(/twice/);
    expect(() => parseCliArgs(['join', '12345678', '--relay'])).toThrow(/needs a value/);
    expect(() => parseCliArgs(['join', '12345678', '--relay', 'http://x', '--no-browser=yes'])).toThrow(/takes no value/);
    expect(() => parseCliArgs(['join', '12345678', '99', '--relay', 'http://x'])).toThrow(/unexpected argument/);
    expect(() => parseCliArgs(['join', '12345678', '--relay', 'http://x', '--relay-fingerprint', 'abcd'])).toThrow(/--relay-fingerprint/);
    expect(() => parseCliArgs(['join', '12345678', '--relay', 'http://x', '--name', 'x'.repeat(121)])).toThrow(/--name/);
    expect(() => parseCliArgs(['join', '12345678', '--relay', 'http://x', '--name', 'a\u001b[2Jb'])).toThrow(/control characters/);
    expect(() => parseCliArgs(['join', '12345678', '--relay', 'http://x', '--name', 'Eve \u202Eexe.gnp'])).toThrow(/--name: must not contain control characters or bidirectional-text marks/);
  });
  it('gives help for --help and -h', () => {
    expect(parseCliArgs(['join', '--help'])).toMatchObject({ command: 'help' });
    expect(parseCliArgs(['join', '-h'])).toMatchObject({ command: 'help' });
  });
});

describe('parseCliArgs: tandem tech session', () => {
  it('parses the scriptable form with defaults', () => {
    expect(parseCliArgs(['tech', 'session', '--relay', 'http://127.0.0.1:8080', '--user', 'tech', '--password-file', '/tmp/pw'])).toEqual({
      command: 'tech-session', relayUrl: 'http://127.0.0.1:8080', user: 'tech', passwordFile: '/tmp/pw', mode: 'chat', renewBurntCode: false,
    });
    expect(parseCliArgs(['tech', 'session', '--relay', `https://r#${HEX_FP}`, '--user', 't', '--password-file', 'f', '--renew-burnt-code'])).toMatchObject({
      relayUrl: 'https://r', fingerprint: HEX_FP, renewBurntCode: true,
    });
    expect(parseCliArgs(['tech', 'session', '--relay', 'https://r', '--user', 't', '--password-file', 'f', '--case', '7', '--mode', 'control', '--relay-fingerprint', 'ab'.repeat(32)])).toMatchObject({
      caseNumber: '7', mode: 'control', fingerprint: 'ab'.repeat(32),
    });
  });
  it('rejects a bad mode and missing required options', () => {
    expect(() => parseCliArgs(['tech', 'session', '--relay', 'http://r', '--user', 't', '--password-file', 'f', '--mode', 'admin'])).toThrow(/--mode/);
    expect(() => parseCliArgs(['tech', 'session', '--relay', 'http://r', '--password-file', 'f'])).toThrow(/--user is required/);
    expect(() => parseCliArgs(['tech', 'session', '--relay', 'http://r', '--user', 't'])).toThrow(/--password-file is required/);
    expect(() => parseCliArgs(['tech'])).toThrow(/tech session/);
    expect(() => parseCliArgs(['tech', 'sessions'])).toThrow(/unknown command/);
  });
  it('refuses http:// to anything but loopback: the password must not cross the network unencrypted', () => {
    for (const relay of ['http://relay.example', 'http://192.0.2.1:8080', 'http://[fd00::2]:8080', 'http://127.0.0.1.example']) {
      expect(() => parseCliArgs(['tech', 'session', '--relay', relay, '--user', 't', '--password-file', 'f']), relay).toThrow(/--relay: .* is http:\/\/.*https:\/\//);
    }
    for (const relay of ['http://127.0.0.1:8080', 'http://127.8.9.10', 'http://[::1]:8080', 'http://localhost:8080', 'https://relay.example']) {
      expect(parseCliArgs(['tech', 'session', '--relay', relay, '--user', 't', '--password-file', 'f']), relay).toMatchObject({ command: 'tech-session' });
    }
  });
  it('gives help at every level', () => {
    expect(parseCliArgs(['--help'])).toMatchObject({ command: 'help' });
    expect(parseCliArgs(['tech', '--help'])).toMatchObject({ command: 'help' });
    expect(parseCliArgs(['tech', 'session', '--help'])).toMatchObject({ command: 'help', text: expect.stringContaining('--password-file') });
  });
  it('rejects unknown commands and an empty command line', () => {
    expect(() => parseCliArgs([])).toThrow(/missing/);
    expect(() => parseCliArgs(['frobnicate'])).toThrow(/unknown command/);
  });
});


describe('parseCliArgs: invitation commands', () => {
  it('parses tandem invite with relays in order, fingerprints inline or per relay', () => {
    const a = parseCliArgs(['invite', '--relay', 'https://a.example', '--relay', `https://b.example:8443#${HEX_FP.toUpperCase()}`, '--expires', '2d', '--password-file', 'pw', '--relay-timeout', '2s']);
    expect(a).toMatchObject({ command: 'invite', relays: [{ url: 'https://a.example' }, { url: 'https://b.example:8443', fingerprint: HEX_FP }], lifetimeSeconds: 172800, password: { kind: 'file', path: 'pw' }, relayTimeoutMs: 2000, maxWrong: 5, browser: true });
    expect(parseCliArgs(['invite', '--relay', 'https://a.example', '--relay-fingerprint', HEX_FP, '--expires', '30m'])).toMatchObject({ relays: [{ url: 'https://a.example', fingerprint: HEX_FP }], lifetimeSeconds: 1800, password: { kind: 'none' } });
  });
  it('refuses mistakes with clear messages', () => {
    expect(() => parseCliArgs(['invite', '--expires', '1h'])).toThrow(/--relay is required/);
    expect(() => parseCliArgs(['invite', '--relay', 'https://a.example'])).toThrow(/--expires is required/);
    expect(() => parseCliArgs(['invite', '--relay', 'https://a.example', '--expires', '1 week'])).toThrow(/duration such as/);
    expect(() => parseCliArgs(['invite', '--relay', 'https://a.example', '--relay', 'https://b.example', '--relay-fingerprint', HEX_FP, '--expires', '1h'])).toThrow(/one per --relay/);
    expect(() => parseCliArgs(['invite', '--relay', 'https://a.example', '--relay', 'https://a.example/', '--expires', '1h'])).toThrow(/listed twice/);
    expect(() => parseCliArgs(['invite', '--relay', 'https://a.example', '--expires', '1h', '--password-stdin', '--ask-password'])).toThrow(/choose one/);
    expect(() => parseCliArgs(['expire'])).toThrow(/ID/);
    expect(() => parseCliArgs(['expire', 'xyz'])).toThrow(/not an invitation id/);
  });
  it('parses expire, invitations and tech invitation', () => {
    expect(parseCliArgs(['expire', '0123456789ab'])).toEqual({ command: 'expire', target: '0123456789ab' });
    expect(parseCliArgs(['expire', '--all'])).toEqual({ command: 'expire', target: 'all' });
    expect(parseCliArgs(['invitations'])).toEqual({ command: 'invitations' });
    expect(parseCliArgs(['tech', 'invitation', 'x.tandem', '--relay', 'https://a.example', '--user', 'u', '--password-file', 'p', '--mode', 'view', '--relay-timeout', '5s'])).toEqual({
      command: 'tech-invitation', invitation: 'x.tandem', relays: [{ url: 'https://a.example' }], user: 'u', passwordFile: 'p', mode: 'view', relayTimeoutMs: 5000,
    });
    // The technician's relays in the technician's order, with the technician's pins: inline or one per --relay.
    expect(parseCliArgs(['tech', 'invitation', 'x.tandem', '--relay', 'https://b.example:8443', '--relay', 'http://127.0.0.1:9000', '--relay-fingerprint', FP, '--relay-fingerprint', HEX_FP, '--user', 'u', '--password-file', 'p'])).toMatchObject({
      relays: [{ url: 'https://b.example:8443', fingerprint: HEX_FP }, { url: 'http://127.0.0.1:9000', fingerprint: HEX_FP }],
    });
    expect(parseCliArgs(['tech', 'invitation', 'x.tandem', '--relay', `https://b.example#${FP}`, '--user', 'u', '--password-file', 'p'])).toMatchObject({ relays: [{ url: 'https://b.example', fingerprint: HEX_FP }] });
    // Without --relay it parses (the run names the invitation's relays and exits 2, contacting nothing).
    expect(parseCliArgs(['tech', 'invitation', 'x.tandem', '--user', 'u', '--password-file', 'p'])).toMatchObject({ relays: [] });
    expect(() => parseCliArgs(['tech', 'invitation', 'x.tandem', '--relay', 'http://relay.example', '--user', 'u', '--password-file', 'p'])).toThrow(/--relay: .* is http:\/\//);
    expect(() => parseCliArgs(['tech', 'invitation', 'x.tandem', '--relay', 'https://a.example', '--relay', 'https://b.example', '--relay-fingerprint', HEX_FP, '--user', 'u', '--password-file', 'p'])).toThrow(/one per --relay/);
    expect(() => parseCliArgs(['tech', 'invitation', 'x.tandem', '--relay', 'https://a.example', '--relay', 'https://A.example:443', '--user', 'u', '--password-file', 'p'])).toThrow(/listed twice/);
  });
});
