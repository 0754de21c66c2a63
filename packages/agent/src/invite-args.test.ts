import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args.js';

const FP = 'ab'.repeat(32);

describe('parseCliArgs: invitation commands', () => {
  it('parses tandem invite with relays in order, fingerprints inline or per relay', () => {
    const a = parseCliArgs(['invite', '--relay', 'https://a.example', '--relay', `https://b.example:8443#${FP.toUpperCase()}`, '--expires', '2d', '--password-file', 'pw', '--relay-timeout', '2s']);
    expect(a).toMatchObject({ command: 'invite', relays: [{ url: 'https://a.example' }, { url: 'https://b.example:8443', fingerprint: FP }], lifetimeSeconds: 172800, password: { kind: 'file', path: 'pw' }, relayTimeoutMs: 2000, maxWrong: 5, browser: true });
    expect(parseCliArgs(['invite', '--relay', 'https://a.example', '--relay-fingerprint', FP, '--expires', '30m'])).toMatchObject({ relays: [{ url: 'https://a.example', fingerprint: FP }], lifetimeSeconds: 1800, password: { kind: 'none' } });
  });
  it('refuses mistakes with clear messages', () => {
    expect(() => parseCliArgs(['invite', '--expires', '1h'])).toThrow(/--relay is required/);
    expect(() => parseCliArgs(['invite', '--relay', 'https://a.example'])).toThrow(/--expires is required/);
    expect(() => parseCliArgs(['invite', '--relay', 'https://a.example', '--expires', '1 week'])).toThrow(/duration such as/);
    expect(() => parseCliArgs(['invite', '--relay', 'https://a.example', '--relay', 'https://b.example', '--relay-fingerprint', FP, '--expires', '1h'])).toThrow(/one per --relay/);
    expect(() => parseCliArgs(['invite', '--relay', 'https://a.example', '--relay', 'https://a.example/', '--expires', '1h'])).toThrow(/listed twice/);
    expect(() => parseCliArgs(['invite', '--relay', 'https://a.example', '--expires', '1h', '--password-stdin', '--ask-password'])).toThrow(/choose one/);
    expect(() => parseCliArgs(['expire'])).toThrow(/ID/);
    expect(() => parseCliArgs(['expire', 'xyz'])).toThrow(/not an invitation id/);
  });
  it('parses expire, invitations and tech invitation', () => {
    expect(parseCliArgs(['expire', '0123456789ab'])).toEqual({ command: 'expire', target: '0123456789ab' });
    expect(parseCliArgs(['expire', '--all'])).toEqual({ command: 'expire', target: 'all' });
    expect(parseCliArgs(['invitations'])).toEqual({ command: 'invitations' });
    expect(parseCliArgs(['tech', 'invitation', 'x.tandem', '--user', 'u', '--password-file', 'p', '--mode', 'view', '--relay-timeout', '5s'])).toEqual({
      command: 'tech-invitation', invitation: 'x.tandem', user: 'u', passwordFile: 'p', mode: 'view', relayTimeoutMs: 5000,
    });
  });
});
