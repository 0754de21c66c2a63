/**
 * Burning codes and scanning nameplates, played by raw WebSocket clients
 * against real relays: a claimer who checks one guess against the
 * technician's key-confirmation tag and drops must be audited as a failed
 * code (the relay only knows a session is confirmed once BOTH sides said
 * `confirmed`); such failed handshakes count against the claimer's address;
 * and a scan spread over many addresses is stopped by the relay-wide budget
 * and audited once as `code-scan`. Addresses come from X-Forwarded-For
 * (`--trust-proxy`) so that each side has its own.
 */
import { randomBytes } from 'node:crypto';
import { CustomerSession, TechnicianSession, webCryptoAeadProvider, type WebSocketLike } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  PASSWORD,
  auditEvents,
  auditSession,
  claim,
  connect,
  createAdmin,
  holder,
  login,
  narrowSignal,
  newTicket,
  pairedSession,
  startRelayProcess,
  technicianAnswering,
  technicianWithCode,
  waitFor,
  type RelayFixture,
  type WsClient,
} from '@tandem/test-kit';

function from(address: string): { headers: Record<string, string> } {
  return { headers: { 'x-forwarded-for': address } };
}

/** What an honest side sends first: its CPace share, then its key-confirmation tag (FRAME_TYPE share = 1, confirm = 2). */
function sendShareAndConfirm(side: WsClient): void {
  side.ws.send(Buffer.concat([Buffer.from([1]), randomBytes(32)]));
  side.ws.send(Buffer.concat([Buffer.from([2]), randomBytes(64)]));
}

describe('failed handshakes', () => {
  let relay: RelayFixture;
  let admin: string;
  let tech: string;
  beforeAll(async () => {
    relay = await startRelayProcess({ args: ['--trust-proxy'] });
    admin = (await createAdmin(relay)).token;
    await relay.addUser('hana', 'technician', PASSWORD, ['--display-name', 'Hana']);
    tech = await login(relay, 'hana');
  });
  afterAll(() => relay.stop());

  /** A code claimed by `claimer`: both got `paired`, the technician sent its share and confirmation tag, the claimer read them. */
  async function claimedByGuesser(claimer: string): Promise<{ tech: WsClient; customer: WsClient; nameplate: string; sessionId: string }> {
    const t = await technicianWithCode(relay, tech, from('198.51.100.1'));
    const { customer, answer } = await claim(relay, t.nameplate, from(claimer));
    expect(answer.t).toBe('paired');
    expect((await t.tech.signal()).t).toBe('paired');
    sendShareAndConfirm(t.tech);
    await customer.binary();
    // The guesser now holds what it needs to test one guess offline against the tag.
    await customer.binary();
    return { tech: t.tech, customer, nameplate: t.nameplate, sessionId: narrowSignal(answer, 'paired').sessionId };
  }

  it("audits a claimer who checks a guess against the technician's confirmation tag and drops as a failed code, with the claimer's address", async () => {
    const s = await claimedByGuesser('203.0.113.10');
    s.customer.ws.terminate();
    expect(await s.tech.signal()).toEqual({ t: 'peer-left', reason: 'network-lost' });
    const failed = await waitFor(async () => (await auditEvents(relay, admin, 'code-failed')).find((e) => e.sessionId === s.sessionId), 5000, 'code-failed');
    expect(failed).toMatchObject({ username: 'hana', address: '203.0.113.10' });
    expect(failed.detail).toBe(`nameplate ${s.nameplate}: ended before key confirmation (network-lost)`);
    // The end reason stays what the relay saw.
    expect(await auditSession(relay, admin, s.sessionId)).toMatchObject({ endReason: 'network-lost', customerAddress: '203.0.113.10', technicianAddress: '198.51.100.1' });
  });

  it("does not take the claimer's own `confirmed` for the technician's", async () => {
    const s = await claimedByGuesser('203.0.113.11');
    s.customer.send({ t: 'confirmed' });
    s.customer.send({ t: 'bye' });
    expect(await s.tech.signal()).toEqual({ t: 'peer-left', reason: 'customer-ended' });
    const failed = await waitFor(async () => (await auditEvents(relay, admin, 'code-failed')).find((e) => e.sessionId === s.sessionId), 5000, 'code-failed');
    expect(failed).toMatchObject({ address: '203.0.113.11', detail: `nameplate ${s.nameplate}: ended before key confirmation (customer-ended)` });
  });

  it('audits a wrong-code abort once, as before', async () => {
    const s = await claimedByGuesser('203.0.113.12');
    s.customer.send({ t: 'abort', code: 'TANDEM_ERR_WRONG_CODE' });
    expect(await s.tech.signal()).toEqual({ t: 'peer-left', reason: 'wrong-code' });
    await waitFor(async () => (await auditSession(relay, admin, s.sessionId))?.endReason === 'wrong-code');
    const failed = (await auditEvents(relay, admin, 'code-failed')).filter((e) => e.sessionId === s.sessionId);
    expect(failed).toEqual([expect.objectContaining({ address: '203.0.113.12', detail: `nameplate ${s.nameplate}: handshake failed` })]);
  });

  it('does not audit a session both sides confirmed as a failed code', async () => {
    const s = await pairedSession(relay, tech);
    s.customer.send({ t: 'bye' });
    expect(await s.tech.signal()).toEqual({ t: 'peer-left', reason: 'customer-ended' });
    await waitFor(async () => (await auditSession(relay, admin, s.sessionId))?.endReason === 'customer-ended');
    expect((await auditEvents(relay, admin, 'code-failed')).filter((e) => e.sessionId === s.sessionId)).toEqual([]);
  });

  it('answers `confirmed` out of place with a protocol error', async () => {
    const waiting = await technicianWithCode(relay, tech);
    waiting.tech.send({ t: 'confirmed' });
    const outOfPlace = await waiting.tech.failure();
    expect(outOfPlace).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });
    expect(outOfPlace.message).toMatch(/confirmed/);

    const first = await connect(relay);
    first.send({ t: 'confirmed' });
    expect(await first.failure()).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });

    const twice = await pairedSession(relay, tech);
    twice.customer.send({ t: 'confirmed' });
    const again = await twice.customer.failure();
    expect(again).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });
    expect(again.message).toMatch(/already confirmed/);
    expect(await twice.tech.signal()).toEqual({ t: 'peer-left', reason: 'protocol-error' });
  });

  it("audits an invitation attempt that ends before key confirmation as invitation-failed with the technician's address", async () => {
    const ticket = newTicket();
    const agent = await holder(relay, ticket);
    const guesser = await technicianAnswering(relay, tech, ticket, from('198.51.100.66'));
    const attempt = await agent.signal('attempt');
    expect(attempt.t).toBe('attempt');
    const customer = await connect(relay, from('203.0.113.20'));
    customer.send({ t: 'join', ticket, attemptId: attempt.attemptId });
    const paired = await customer.signal('paired');
    expect(paired.t).toBe('paired');
    expect((await guesser.signal()).t).toBe('paired');
    // The customer's agent (honest) sends share and tag; the technician guessing the password reads them and drops.
    sendShareAndConfirm(customer);
    await guesser.binary();
    await guesser.binary();
    guesser.ws.terminate();
    expect(await customer.signal()).toEqual({ t: 'peer-left', reason: 'network-lost' });
    const failed = await waitFor(async () => (await auditEvents(relay, admin, 'invitation-failed')).find((e) => e.sessionId === paired.sessionId), 5000, 'invitation-failed');
    expect(failed).toMatchObject({ username: 'hana', address: '198.51.100.66' });
    expect(failed.detail).toMatch(/^ticket:[0-9a-f]{8}: ended before key confirmation \(network-lost\)$/);
    expect((await auditEvents(relay, admin, 'code-failed')).filter((e) => e.sessionId === paired.sessionId)).toEqual([]);
    agent.ws.close();
  });
});

describe('honest clients', () => {
  let relay: RelayFixture;
  let admin: string;
  beforeAll(async () => {
    relay = await startRelayProcess();
    admin = (await createAdmin(relay)).token;
  });
  afterAll(() => relay.stop());

  // ws has the browser's WebSocket surface; only its overloaded addEventListener does not match WebSocketLike's `never` listener (as in packages/agent's relay-socket.ts).
  const options = () => ({ relayUrl: relay.url, aead: webCryptoAeadProvider(), connect: (url: string) => new WebSocket(url) as unknown as WebSocketLike });

  /** The protocol's own technician and customer sessions over the real relay; `typed` alters the code the customer types. */
  async function run(typed: (code: string) => string): Promise<{ sessionId: string; tech: string; customer: string }> {
    const tech = new TechnicianSession({ ...options(), token: admin, mode: 'chat' });
    const done = (s: TechnicianSession | CustomerSession): Promise<string> =>
      new Promise((resolve) => s.onEvent((e) => (e.type === 'ended' ? resolve(e.reason) : e.type === 'failed' ? resolve(e.error.code) : undefined)));
    const code = new Promise<string>((resolve) => tech.onEvent((e) => e.type === 'code' && resolve(e.code)));
    const techDone = done(tech);
    tech.start();
    const customer = new CustomerSession({ ...options(), code: typed(await code) });
    const customerDone = done(customer);
    customer.onEvent((e) => e.type === 'consent-needed' && customer.accept({ mode: 'chat', customer: { name: 'Ken', customerNumber: '', caseNumber: '' } }));
    tech.onEvent((e) => e.type === 'accepted' && void tech.end());
    customer.start();
    const [techEnd, customerEnd] = await Promise.all([techDone, customerDone]);
    return { sessionId: tech.sessionId ?? '', tech: techEnd, customer: customerEnd };
  }

  it('say `confirmed` once their keys are confirmed: a completed session is not a failed code, a wrong secret is', async () => {
    const good = await run((code) => code);
    expect(good).toMatchObject({ tech: 'technician-ended', customer: 'technician-ended' });
    await waitFor(async () => (await auditSession(relay, admin, good.sessionId))?.endReason === 'technician-ended');
    expect((await auditEvents(relay, admin, 'code-failed')).filter((e) => e.sessionId === good.sessionId)).toEqual([]);

    const wrong = await run((code) => code.slice(0, 3) + String((Number(code.slice(3)) + 1) % 100000).padStart(5, '0'));
    expect(wrong).toMatchObject({ tech: 'TANDEM_ERR_WRONG_CODE', customer: 'TANDEM_ERR_WRONG_CODE' });
    const failed = await waitFor(async () => (await auditEvents(relay, admin, 'code-failed')).filter((e) => e.sessionId === wrong.sessionId), 5000, 'code-failed');
    expect(failed).toHaveLength(1);
  });
});

describe('burning codes from one address', () => {
  let relay: RelayFixture;
  let admin: string;
  beforeAll(async () => {
    relay = await startRelayProcess({ args: ['--trust-proxy', '--claim-failures-per-minute', '2'] });
    admin = (await createAdmin(relay)).token;
  });
  afterAll(() => relay.stop());

  it('counts claims that burn a live code without completing the handshake against the address', async () => {
    for (let i = 0; i < 2; i++) {
      const t = await technicianWithCode(relay, admin);
      const { customer, answer } = await claim(relay, t.nameplate, from('203.0.113.30'));
      expect(answer.t).toBe('paired');
      expect((await t.tech.signal()).t).toBe('paired');
      customer.ws.terminate();
      expect(await t.tech.signal()).toEqual({ t: 'peer-left', reason: 'network-lost' });
    }
    const live = await technicianWithCode(relay, admin);
    const refused = await claim(relay, live.nameplate, from('203.0.113.30'));
    expect(refused.answer).toMatchObject({ t: 'error', code: 'TANDEM_ERR_RATE_LIMITED' });
    // The refused claim did not burn the code: the real customer still gets it.
    const customer = await claim(relay, live.nameplate, from('203.0.113.31'));
    expect(customer.answer.t).toBe('paired');
    const locks = await waitFor(async () => {
      const rows = await auditEvents(relay, admin, 'code-rate-limited');
      return rows.length > 0 ? rows : undefined;
    });
    expect(locks).toHaveLength(1);
    expect(locks[0]).toMatchObject({ address: '203.0.113.30' });
    expect(locks[0]?.detail).toMatch(/handshake not completed/);
    expect((await auditEvents(relay, admin, 'code-failed')).filter((e) => e.address === '203.0.113.30')).toHaveLength(2);
  });
});

describe('a scan from many addresses', () => {
  let relay: RelayFixture;
  let admin: string;
  beforeAll(async () => {
    relay = await startRelayProcess({ args: ['--trust-proxy', '--claim-failures-per-minute', '5', '--claim-failures-per-minute-total', '6'] });
    admin = (await createAdmin(relay)).token;
  });
  afterAll(() => relay.stop());

  it('is stopped by the relay-wide budget of failed claims and audited once, with the count and the addresses', async () => {
    const scanners = ['203.0.113.41', '203.0.113.42', '203.0.113.43', '203.0.113.44', '203.0.113.41', '203.0.113.45'];
    for (const [i, address] of scanners.entries()) {
      const { customer, answer } = await claim(relay, String(900 + i), from(address));
      expect(narrowSignal(answer, 'error').code, address).toBe('TANDEM_ERR_CODE_UNKNOWN');
      await customer.closed;
    }
    // Each address is far below its own limit of 5, yet the next claim from yet another address is refused.
    const next = await claim(relay, '950', from('203.0.113.46'));
    expect(next.answer).toMatchObject({ code: 'TANDEM_ERR_RATE_LIMITED' });
    expect(narrowSignal(next.answer, 'error').message).toMatch(/many addresses/);
    for (let i = 0; i < 5; i++) expect((await claim(relay, String(960 + i), from(`203.0.113.${50 + i}`))).answer).toMatchObject({ code: 'TANDEM_ERR_RATE_LIMITED' });

    const scans = await auditEvents(relay, admin, 'code-scan');
    expect(scans).toHaveLength(1);
    expect(scans[0]?.detail).toBe('6 failed claims in 60 s from 5 addresses: 203.0.113.41 ×2, 203.0.113.42 ×1, 203.0.113.43 ×1, 203.0.113.44 ×1, 203.0.113.45 ×1');
    // The refused claims wrote no rows of their own.
    expect(await auditEvents(relay, admin, 'code-unknown')).toHaveLength(6);
  });
});
