import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PASSWORD,
  auditEvents,
  auditSession,
  claim,
  connect,
  createAdmin,
  login,
  pairedSession,
  startRelayProcess,
  technicianWithCode,
  waitFor,
  type RelayFixture,
} from '@tandem/test-kit';

let relay: RelayFixture;
let admin: string;
let tech: string;

beforeAll(async () => {
  relay = await startRelayProcess({ args: ['--code-lifetime', '2s'] });
  admin = (await createAdmin(relay)).token;
  await relay.addUser('alice', 'technician', PASSWORD, ['--display-name', 'Alice Tech', '--team', 'Desk 1']);
  tech = await login(relay, 'alice');
});
afterAll(() => relay.stop());

describe('rendezvous', () => {
  it('pairs a claim, vouches for the technician, forwards binary frames verbatim, and audits consent, modes and bye', async () => {
    const s = await pairedSession(relay, tech, { mode: 'view', caseNumber: 'C-7' });
    expect(s.paired).toMatchObject({ t: 'paired', technician: { username: 'alice', displayName: 'Alice Tech', team: 'Desk 1' }, caseNumber: 'C-7', mode: 'view' });
    expect(s.nameplate).toMatch(/^\d{3,}$/);

    const toCustomer = Buffer.from([1, ...Array.from({ length: 32 }, (_, i) => i)]);
    s.tech.ws.send(toCustomer);
    expect(await s.customer.binary()).toEqual(toCustomer);
    const big = Buffer.alloc(512 * 1024, 7);
    s.customer.ws.send(big);
    expect(await s.tech.binary()).toEqual(big);

    s.customer.send({ t: 'consent', customer: { name: 'Bob Customer', customerNumber: 'K-1', caseNumber: '' }, mode: 'chat' });
    s.customer.send({ t: 'mode', mode: 'view' });
    s.customer.send({ t: 'bye' });
    expect(await s.tech.signal()).toEqual({ t: 'peer-left', reason: 'customer-ended' });
    expect((await s.tech.closed).code).toBe(1000);

    const row = await waitFor(async () => {
      const r = await auditSession(relay, admin, s.sessionId);
      return r?.endReason ? r : undefined;
    });
    expect(row).toMatchObject({
      nameplate: s.nameplate,
      technicianUsername: 'alice',
      technicianAddress: '127.0.0.1',
      customerName: 'Bob Customer',
      customerNumber: 'K-1',
      caseNumber: 'C-7',
      customerAddress: '127.0.0.1',
      modeRequested: 'view',
      modeAtStart: 'chat',
      lastMode: 'view',
      endReason: 'customer-ended',
    });
    expect(row.startedAt).toBeGreaterThanOrEqual(row.createdAt);
    expect(row.endedAt).toBeGreaterThanOrEqual(row.startedAt ?? Infinity);
    const modes = await auditEvents(relay, admin, 'mode-change');
    expect(modes.some((e) => e.sessionId === s.sessionId && e.detail === 'chat -> view')).toBe(true);

    // A finished code can never be used again.
    expect((await claim(relay, s.nameplate)).answer).toMatchObject({ t: 'error', code: 'TANDEM_ERR_CODE_UNKNOWN' });
  });

  it('records technician-ended, refused and network-lost', async () => {
    const a = await pairedSession(relay, tech);
    a.tech.send({ t: 'bye' });
    expect(await a.customer.signal()).toEqual({ t: 'peer-left', reason: 'technician-ended' });

    const b = await pairedSession(relay, tech);
    b.customer.send({ t: 'refuse' });
    expect(await b.tech.signal()).toEqual({ t: 'peer-left', reason: 'refused' });

    const c = await pairedSession(relay, tech);
    c.customer.ws.terminate();
    expect(await c.tech.signal()).toEqual({ t: 'peer-left', reason: 'network-lost' });

    for (const [s, reason] of [[a, 'technician-ended'], [b, 'refused'], [c, 'network-lost']] as const) {
      await waitFor(async () => (await auditSession(relay, admin, s.sessionId))?.endReason === reason, 5000, reason);
    }
  });

  it('lets a nameplate be claimed once: a second claimer gets CODE_UNKNOWN', async () => {
    const s = await pairedSession(relay, tech);
    const second = await claim(relay, s.nameplate);
    expect(second.answer).toMatchObject({ t: 'error', code: 'TANDEM_ERR_CODE_UNKNOWN' });
    expect((await second.customer.closed).code).toBe(4404);
    s.tech.send({ t: 'bye' });
    await s.customer.closed;
  });

  it('audits a wrong-code abort and burns the nameplate', async () => {
    // A wrong secret: the handshake fails, neither side confirms the keys.
    const s = await pairedSession(relay, tech, { confirm: false });
    s.customer.send({ t: 'abort', code: 'TANDEM_ERR_WRONG_CODE' });
    expect(await s.tech.signal()).toEqual({ t: 'peer-left', reason: 'wrong-code' });
    await waitFor(async () => (await auditSession(relay, admin, s.sessionId))?.endReason === 'wrong-code');
    const failed = await auditEvents(relay, admin, 'code-failed');
    expect(failed.find((e) => e.sessionId === s.sessionId)).toMatchObject({ address: '127.0.0.1', username: 'alice' });
    expect((await claim(relay, s.nameplate)).answer).toMatchObject({ t: 'error', code: 'TANDEM_ERR_CODE_UNKNOWN' });
  });

  it('extends a code past its original lifetime, and refuses an expired one with CODE_EXPIRED', async () => {
    const extended = await technicianWithCode(relay, tech);
    const expiring = await technicianWithCode(relay, tech);
    extended.tech.send({ t: 'extend' });
    const answer = await extended.tech.signal('extended');
    expect(answer.t).toBe('extended');
    expect(answer.expiresAt).toBe(extended.expiresAt + 10 * 60_000);
    expect(Math.abs(answer.serverTime - Date.now())).toBeLessThan(5000);

    await new Promise((r) => setTimeout(r, 2600));
    // The unextended code's technician is told it expired.
    expect(await expiring.tech.failure()).toMatchObject({ code: 'TANDEM_ERR_CODE_EXPIRED', closeCode: 4410 });
    const late = await claim(relay, expiring.nameplate);
    expect(late.answer).toMatchObject({ t: 'error', code: 'TANDEM_ERR_CODE_EXPIRED' });
    const events = await auditEvents(relay, admin, 'code-expired');
    const event = events.find((e) => e.detail.includes(expiring.nameplate));
    expect(event).toMatchObject({ username: 'alice', address: '127.0.0.1' });
    expect(await auditSession(relay, admin, event?.sessionId ?? '')).toMatchObject({ endReason: 'expired-code', nameplate: expiring.nameplate });

    const ok = await claim(relay, extended.nameplate);
    expect(ok.answer.t).toBe('paired');
    expect((await extended.tech.signal()).t).toBe('paired');
    extended.tech.send({ t: 'extend' }); // a click racing the join is harmless
    ok.customer.send({ t: 'bye' });
    expect(await extended.tech.signal()).toEqual({ t: 'peer-left', reason: 'customer-ended' });
  });

  it('answers protocol mistakes with a clear error and close code', async () => {
    const binaryFirst = await connect(relay);
    binaryFirst.ws.send(Buffer.from([3, 1, 2]));
    expect(await binaryFirst.failure()).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL', closeCode: 4002 });

    const badToken = await connect(relay);
    badToken.send({ t: 'auth', token: 'not-a-token' });
    expect(await badToken.failure()).toMatchObject({ code: 'TANDEM_ERR_UNAUTHORIZED', closeCode: 4401 });

    const allocateFirst = await connect(relay);
    allocateFirst.send({ t: 'allocate', mode: 'chat' });
    expect(await allocateFirst.failure()).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });

    const { tech: waiting } = await technicianWithCode(relay, tech);
    waiting.ws.send(Buffer.from([1]));
    expect(await waiting.failure()).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });

    const s = await pairedSession(relay, tech);
    s.tech.send({ t: 'consent', customer: { name: 'x', customerNumber: '', caseNumber: '' }, mode: 'chat' });
    expect(await s.tech.failure()).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });
    expect(await s.customer.signal()).toEqual({ t: 'peer-left', reason: 'protocol-error' });
    await waitFor(async () => (await auditSession(relay, admin, s.sessionId))?.endReason === 'protocol-error');
  });
});

describe('backpressure', () => {
  it('stops reading a sender while its receiver is backed up, then delivers everything in order', async () => {
    const s = await pairedSession(relay, tech);
    s.customer.ws.pause();
    const frames = 64;
    for (let i = 0; i < frames; i++) s.tech.ws.send(Buffer.alloc(1_000_000, i));
    await new Promise((r) => setTimeout(r, 700));
    // Without backpressure the relay would have read it all into its own memory.
    expect(s.tech.ws.bufferedAmount).toBeGreaterThan(20_000_000);
    s.customer.ws.resume();
    for (let i = 0; i < frames; i++) {
      const frame = await s.customer.binary();
      expect(frame.length).toBe(1_000_000);
      expect(frame[0]).toBe(i);
    }
    await waitFor(() => s.tech.ws.bufferedAmount === 0, 5000, 'sender drained');
    s.tech.send({ t: 'bye' });
    expect(await s.customer.signal()).toEqual({ t: 'peer-left', reason: 'technician-ended' });
  });
});

describe('claim rate limit', () => {
  it('claim guard layer: refuses an address after too many failed claims without burning a valid code (the same code then pairs from another address)', async () => {
    const limited = await startRelayProcess({ args: ['--claim-failures-per-minute', '3'] });
    try {
      const adminToken = (await createAdmin(limited)).token;
      for (let i = 0; i < 3; i++) {
        expect((await claim(limited, `99990${i}`)).answer).toMatchObject({ code: 'TANDEM_ERR_CODE_UNKNOWN' });
      }
      const { tech: t, nameplate } = await technicianWithCode(limited, adminToken);
      const refused = await claim(limited, nameplate);
      expect(refused.answer).toMatchObject({ t: 'error', code: 'TANDEM_ERR_RATE_LIMITED' });
      expect((await refused.customer.closed).code).toBe(4429);
      expect((await auditEvents(limited, adminToken, 'code-unknown')).length).toBe(3);
      // The lock itself is audited once, not once per refused attempt.
      expect((await auditEvents(limited, adminToken, 'code-rate-limited')).length).toBe(1);
      // The refused claim left the code as it was: a customer at another address claims it and is paired.
      const other = await claim(limited, nameplate, { localAddress: '127.0.0.2' });
      expect(other.answer).toMatchObject({ t: 'paired' });
      expect(await t.signal('paired')).toMatchObject({ t: 'paired' });
      other.customer.ws.close();
      t.ws.close();
    } finally {
      await limited.stop();
    }
  });
});
