/**
 * Two processes change one invitation record at once, as `tandem invite`
 * (counting wrong passwords, noting where it holds the ticket) and
 * `tandem expire ID` do: no change may be lost. Real processes on real files,
 * each running the built InvitationStore.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createInvitation } from '@tandem/protocol';
import { InvitationStore, newRecord } from '../src/invitations/invitation-store.js';

const STORE_JS = pathToFileURL(resolve(import.meta.dirname, '../dist/invitations/invitation-store.js')).href;
const UPDATES = 150;

/** A process that counts `UPDATES` wrong attempts on record `id`, one update each. */
function hammer(dir: string, id: string): Promise<number> {
  const script = `
    const { InvitationStore } = await import(${JSON.stringify(STORE_JS)});
    const store = new InvitationStore(${JSON.stringify(dir)});
    for (let i = 0; i < ${UPDATES}; i++) store.update(${JSON.stringify(id)}, (r) => { r.wrongAttempts += 1; });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((res) => child.on('exit', (code) => res(code ?? 1)));
}

describe('InvitationStore.update across processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-store-race-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loses no change when two processes update the same record at once', async () => {
    const store = new InvitationStore(dir);
    const inv = createInvitation({ customerName: 'Race', relays: [{ url: 'https://relay.example' }], lifetimeSeconds: 3600, passwordProtected: false, now: Date.now() });
    store.save(newRecord(inv, { maxWrong: 1_000_000, file: join(dir, 'x.tandem'), holderPid: process.pid }));
    const codes = await Promise.all([hammer(dir, inv.id), hammer(dir, inv.id), hammer(dir, inv.id)]);
    expect(codes).toEqual([0, 0, 0]);
    expect(store.load(inv.id).wrongAttempts).toBe(3 * UPDATES);
  });
});
