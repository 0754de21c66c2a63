import { describe, expect, it } from 'vitest';
import { parseJoin } from './join-args.js';

const STAMP = { relay: 'https://support.example.com:8443', fingerprint: 'ab'.repeat(32), helpDesk: 'Example Help Desk' };

describe('parseJoin with a downloaded agent\'s stamp', () => {
  it('takes the stamped relay, its fingerprint and help desk when --relay is not given', () => {
    expect(parseJoin(['12345678', '--no-browser'], { stamp: STAMP, removable: true })).toEqual({
      command: 'join', code: '12345678', relayUrl: STAMP.relay, fingerprint: STAMP.fingerprint, helpDesk: STAMP.helpDesk, browser: false, eventLog: false, removeWhenDone: true,
    });
  });

  it('keeps the stamped fingerprint for the stamped relay named again, never for another relay', () => {
    expect(parseJoin(['12345678', '--relay', 'https://SUPPORT.example.com:8443/'], { stamp: STAMP })).toMatchObject({ relayUrl: STAMP.relay, fingerprint: STAMP.fingerprint });
    const other = parseJoin(['12345678', '--relay', 'https://other.example.net'], { stamp: STAMP });
    expect(other).toMatchObject({ relayUrl: 'https://other.example.net' });
    expect(other).not.toHaveProperty('fingerprint');
    expect(other).not.toHaveProperty('helpDesk');
    // An explicit fingerprint always wins.
    expect(parseJoin(['12345678', '--relay-fingerprint', 'cd'.repeat(32)], { stamp: STAMP })).toMatchObject({ relayUrl: STAMP.relay, fingerprint: 'cd'.repeat(32) });
  });

  it('asks for the code when none is given, and understands --no-remove-when-done only in a downloaded agent', () => {
    expect(parseJoin([], { stamp: STAMP, removable: true })).toMatchObject({ command: 'join', relayUrl: STAMP.relay, removeWhenDone: true });
    expect(parseJoin([], { stamp: STAMP, removable: true })).not.toHaveProperty('code');
    expect(parseJoin(['--no-remove-when-done'], { stamp: STAMP, removable: true })).toMatchObject({ removeWhenDone: false });
    expect(() => parseJoin(['--remove-when-done', '--no-remove-when-done'], { stamp: STAMP, removable: true })).toThrow(/contradict/);
    expect(() => parseJoin(['12345678', '--relay', 'http://x', '--remove-when-done'])).toThrow(/unknown option --remove-when-done/);
    // Without a stamp --relay is still required.
    expect(() => parseJoin(['12345678'], { removable: true })).toThrow(/--relay is required/);
  });

  it('lists the downloaded agent\'s options in its help', () => {
    expect(parseJoin(['--help'], { stamp: STAMP, removable: true })).toMatchObject({ command: 'help', text: expect.stringMatching(/--no-remove-when-done[\s\S]*--relay defaults to https:\/\/support\.example\.com:8443|--relay defaults to https:\/\/support\.example\.com:8443[\s\S]*--no-remove-when-done/) });
  });
});
