import { describe, expect, it } from 'vitest';
import { invitationRow, invitationRows } from './invitation-rows.js';
import type { InvitationRecord } from './invitation-store.js';

const START = Date.UTC(2025, 5, 1, 9, 0, 0);

function record(id: string, extra: Partial<InvitationRecord> = {}): InvitationRecord {
  return {
    version: 1,
    id,
    ticket: 't'.repeat(22),
    customerName: 'Yamada Hanako',
    passwordProtected: true,
    start: START,
    lifetimeSeconds: 3600,
    relays: [{ url: 'https://a.example' }, { url: 'https://b.example' }],
    wrongAttempts: 0,
    maxWrong: 5,
    expired: false,
    used: false,
    ...extra,
  };
}

const alive = (pid: number | undefined): boolean => pid === 100;

describe('invitationRow', () => {
  it('is held when its holder runs and holds on a relay, with where', () => {
    const row = invitationRow(record('aaaaaaaaaaaa', { holderPid: 100, heldOn: 'https://b.example', wrongAttempts: 2 }), START + 1000, alive, 'aaaaaaaaaaaa');
    expect(row).toMatchObject({ state: 'held', holder: { pid: 100, relay: 'https://b.example' }, expiresAt: START + 3_600_000, wrongAttempts: 2, maxWrong: 5, current: true });
    expect(row.relays).toEqual(['https://a.example', 'https://b.example']);
  });

  it('is open, not held, while its holder still connects or when no holder runs', () => {
    expect(invitationRow(record('aaaaaaaaaaaa', { holderPid: 100 }), START, alive, 'x')).toMatchObject({ state: 'open', holder: { pid: 100 } });
    const gone = invitationRow(record('aaaaaaaaaaaa', { holderPid: 200, heldOn: 'https://a.example' }), START, alive, 'x');
    expect(gone.state).toBe('open');
    expect(gone.holder).toBeUndefined();
  });

  it('is expired when expired, refused too often or lapsed on this clock, and used once used', () => {
    expect(invitationRow(record('aaaaaaaaaaaa', { expired: true }), START, alive, 'x')).toMatchObject({ state: 'expired', reason: 'expired-by-customer' });
    expect(invitationRow(record('aaaaaaaaaaaa', { expired: true, expiredReason: 'too-many-wrong-passwords' }), START, alive, 'x').reason).toBe('too-many-wrong-passwords');
    expect(invitationRow(record('aaaaaaaaaaaa'), START + 3_600_000, alive, 'x')).toMatchObject({ state: 'expired', reason: 'lapsed' });
    expect(invitationRow(record('aaaaaaaaaaaa', { used: true, expired: true }), START, alive, 'x').state).toBe('used');
  });
});

describe('invitationRows', () => {
  it('lists open ones and keeps listing those it showed before, whatever they became', () => {
    const seen = new Set<string>();
    const open = record('aaaaaaaaaaaa');
    const old = record('bbbbbbbbbbbb', { expired: true });
    expect(invitationRows([open, old], START, alive, 'cccccccccccc', seen).map((r) => r.id)).toEqual(['aaaaaaaaaaaa']);
    const later = invitationRows([{ ...open, expired: true }, old], START, alive, 'cccccccccccc', seen);
    expect(later.map((r) => [r.id, r.state])).toEqual([['aaaaaaaaaaaa', 'expired']]);
  });

  it('always lists the current invitation', () => {
    const rows = invitationRows([record('cccccccccccc', { used: true })], START, alive, 'cccccccccccc', new Set());
    expect(rows.map((r) => r.state)).toEqual(['used']);
  });
});
