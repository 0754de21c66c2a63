import { describe, expect, it } from 'vitest';
import { TandemError } from '@tandem/protocol';
import { parseInvite } from './invite-args.js';

const STAMP = { relay: 'https://support.example.com:8443', fingerprint: 'ab'.repeat(32), helpDesk: 'Example Help Desk' };

describe('parseInvite with a downloaded agent\'s stamp', () => {
  it('takes the stamped relay and its fingerprint when --relay is not given', () => {
    expect(parseInvite(['--expires', '1d', '--password-stdin'], { stamp: STAMP })).toMatchObject({ relays: [{ url: STAMP.relay, fingerprint: STAMP.fingerprint }] });
  });

  it('lets --relay replace the stamped relay, whose fingerprint then pins nothing', () => {
    expect(parseInvite(['--relay', 'https://other.example.com', '--expires', '1d', '--password-stdin'], { stamp: STAMP })).toMatchObject({ relays: [{ url: 'https://other.example.com' }] });
    const parsed = parseInvite(['--relay', 'https://other.example.com', '--expires', '1d', '--password-stdin'], { stamp: STAMP });
    expect('relays' in parsed ? parsed.relays[0]?.fingerprint : 'help').toBeUndefined();
  });

  it('refuses --relay-fingerprint without --relay, and still needs --relay without a stamp', () => {
    expect(() => parseInvite(['--relay-fingerprint', 'cd'.repeat(32), '--expires', '1d'], { stamp: STAMP })).toThrow(/--relay-fingerprint goes with --relay/);
    expect(() => parseInvite(['--expires', '1d'])).toThrow(TandemError);
    expect(() => parseInvite(['--expires', '1d'])).toThrow('invite: --relay is required (one or more)');
  });
});
