import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInvitation } from '@tandem/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvitationStore, newRecord } from './invitation-store.js';

describe('invitation records', () => {
  let dir: string;
  let store: InvitationStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-store-'));
    store = new InvitationStore(join(dir, 'invitations'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const invitation = (passwordProtected: boolean) =>
    createInvitation({ customerName: 'Yamada Hanako', relays: [{ url: 'https://relay.example' }], lifetimeSeconds: 3600, passwordProtected, now: Date.UTC(2025, 5, 1) });

  it('keeps nothing of the password: no verifier, no hash', () => {
    const inv = invitation(true);
    const rec = newRecord(inv, { maxWrong: 5, file: '/tmp/x.tandem', holderPid: 1 });
    store.save(rec);
    const text = readFileSync(store.pathOf(inv.id), 'utf8');
    expect(Object.keys(JSON.parse(text) as object)).not.toContain('passwordVerifier');
    expect(text).not.toMatch(/scrypt/);
    expect(store.load(inv.id)).toMatchObject({ passwordProtected: true, wrongAttempts: 0, maxWrong: 5 });
  });

  it('loads a record an older Tandem wrote with a password verifier, and drops the verifier when it next writes', () => {
    const inv = invitation(true);
    const old = {
      ...newRecord(inv, { maxWrong: 5, file: '/tmp/x.tandem', holderPid: 1 }),
      passwordVerifier: { algorithm: 'scrypt', N: 16384, r: 8, p: 1, salt: 'c2FsdHNhbHRzYWx0c2FsdA', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g' },
    };
    // As the older version wrote it: the same JSON, with the verifier.
    mkdirSync(store.dir, { recursive: true });
    writeFileSync(store.pathOf(inv.id), `${JSON.stringify(old, null, 2)}\n`, { mode: 0o600 });
    const loaded = store.load(inv.id);
    expect(loaded).toMatchObject({ id: inv.id, passwordProtected: true, wrongAttempts: 0 });
    expect(loaded).not.toHaveProperty('passwordVerifier');
    store.update(inv.id, (r) => {
      r.wrongAttempts += 1;
    });
    const text = readFileSync(store.pathOf(inv.id), 'utf8');
    expect(text).not.toContain('passwordVerifier');
    expect(store.load(inv.id).wrongAttempts).toBe(1);
  });
});
