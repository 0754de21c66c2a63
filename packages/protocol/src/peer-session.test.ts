/**
 * What both roles share (PeerSession): the teardown, through the sessions'
 * injected connection factories, without a network (a relay in memory,
 * test/memory-relay.ts, or one the test plays, test/scripted-relay.ts).
 *
 * States: the roles' tables (TECHNICIAN_TRANSITIONS, CUSTOMER_TRANSITIONS)
 * share idle, connecting, ended and failed. PeerSession owns every move into
 * `ended` (end(), or the peer's authenticated end) and into `failed` (fail(),
 * whoever calls it); technician-session.test.ts and customer-session.test.ts
 * cover each role's own moves.
 *
 * | transitions                       | test                                                           |
 * | --------------------------------- | -------------------------------------------------------------- |
 * | every state → ended, both roles   | "ends on purpose from every state of either role"              |
 * | every state → failed, both roles  | "fails from every state of either role when its relay goes"    |
 *
 * The failure paths each have a test below: the relay unreachable or its
 * address refused, its error signal, a malformed frame, a binary frame before
 * pairing, the handshake timeout, an unknown channel or screen data out of
 * turn, and how a session ends when the relay says the peer left (security
 * review, issue 7 item 7): the relay's `peer-left` is not authenticated; once
 * keys are confirmed, only the peer's own encrypted `end` or close frame ends
 * a session normally, and any other end is truncation. Before that nothing
 * can be authenticated, and the relay's reason is reported as it is. The
 * last test checks that the tests above took every transition PeerSession owns.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GOOD_TOKEN, MemoryRelay, PLAYED_TECHNICIAN, PlayedPeer, playRendezvous, ScriptedRelay, TransitionLog, until, waitFor, type ScriptedSocket } from '@tandem/test-kit';
import { webCryptoAeadProvider, type Aead, type AeadProvider } from './aead.js';
import { CHANNEL, LIMITS, TIMEOUTS } from './constants.js';
import { CUSTOMER_TRANSITIONS, CustomerSession, type CustomerEvent } from './customer-session.js';
import { TandemError } from './errors.js';
import type { FinalEvent } from './peer-session.js';
import { parseCode } from './session-code.js';
import { TECHNICIAN_TRANSITIONS, TechnicianSession, type TechnicianEvent } from './technician-session.js';

const technicianLog = new TransitionLog();
const customerLog = new TransitionLog();

interface Run {
  relay: MemoryRelay;
  technician: TechnicianSession;
  customer: CustomerSession;
  techEvents: TechnicianEvent[];
  customerEvents: CustomerEvent[];
}

/** Both sessions on a relay in memory; `accept` takes them to active in chat-only mode. */
async function run(relay: MemoryRelay, accept: boolean): Promise<Run> {
  const aead = webCryptoAeadProvider();
  const techEvents: TechnicianEvent[] = [];
  const customerEvents: CustomerEvent[] = [];
  const technician = new TechnicianSession({ relayUrl: 'https://relay.test', token: GOOD_TOKEN, mode: 'chat', aead, connect: relay.connect });
  technician.onEvent((e) => techEvents.push(e));
  technician.start();
  const { code } = await waitFor(() => techEvents.find((e) => e.type === 'code'), 5000, 'the code');
  const customer = new CustomerSession({ relayUrl: 'https://relay.test', code, aead, connect: relay.connect });
  customer.onEvent((e) => customerEvents.push(e));
  customer.start();
  if (accept) {
    await waitFor(() => customerEvents.some((e) => e.type === 'consent-needed'), 5000, 'the consent question');
    customer.accept({ mode: 'chat', customer: { name: 'Yamada Hanako', customerNumber: '', caseNumber: '' } });
    await waitFor(() => technician.state === 'active', 5000, 'the technician active');
  }
  return { relay, technician, customer, techEvents, customerEvents };
}

const final = (events: (TechnicianEvent | CustomerEvent)[]): FinalEvent | undefined =>
  events.find((e): e is FinalEvent => e.type === 'ended' || e.type === 'failed');

const outcome = (events: (TechnicianEvent | CustomerEvent)[]): string => {
  const f = final(events);
  return f === undefined ? 'running' : f.type === 'ended' ? `ended ${f.reason}` : `failed ${f.error.code}`;
};

describe('peer-left from the relay', () => {
  it('after keys are confirmed, a "customer-ended" without the customer\'s authenticated close is truncation', async () => {
    const r = await run(new MemoryRelay(), true);
    r.relay.signal('technician', { t: 'peer-left', reason: 'customer-ended' });
    await waitFor(() => r.technician.finished, 5000, 'the technician finished');
    expect(outcome(r.techEvents)).toBe('failed TANDEM_ERR_TRUNCATED');
    const f = final(r.techEvents);
    expect(f?.type === 'failed' && f.error.message).toMatch(/customer-ended/);
  });

  it('the same for the customer hearing "technician-ended", and for a "refused" no refusal came with', async () => {
    const a = await run(new MemoryRelay(), true);
    a.relay.signal('customer', { t: 'peer-left', reason: 'technician-ended' });
    await waitFor(() => a.customer.finished, 5000, 'the customer finished');
    expect(outcome(a.customerEvents)).toBe('failed TANDEM_ERR_TRUNCATED');
    const b = await run(new MemoryRelay(), true);
    b.relay.signal('technician', { t: 'peer-left', reason: 'refused' });
    await waitFor(() => b.technician.finished, 5000, 'the technician finished');
    expect(outcome(b.techEvents)).toBe('failed TANDEM_ERR_TRUNCATED');
  });

  it('an end the peer authenticated stays a normal end, and so does a refusal', async () => {
    const a = await run(new MemoryRelay(), true);
    await a.customer.end();
    await waitFor(() => a.technician.finished, 5000, 'the technician finished');
    expect(outcome(a.techEvents)).toBe('ended customer-ended');
    expect(outcome(a.customerEvents)).toBe('ended customer-ended');

    const b = await run(new MemoryRelay(), false);
    await waitFor(() => b.customerEvents.some((e) => e.type === 'consent-needed'), 5000, 'the consent question');
    await b.customer.refuse();
    await waitFor(() => b.technician.finished, 5000, 'the technician finished');
    expect(outcome(b.techEvents)).toBe('failed TANDEM_ERR_REFUSED');
  });

  it('an authenticated end still being opened when the relay closes the socket stays a normal end', async () => {
    // Opening records is asynchronous (WebCrypto): under load the relay's `peer-left` and its closing
    // of the socket arrive while the peer's `end` and close frame are still being opened. Both must
    // wait for them (seen as a TANDEM_ERR_TRUNCATED in packages/relay/test/code-burn.test.ts under load).
    const slow = slowOpeningAead(webCryptoAeadProvider(), 50);
    const relay = new MemoryRelay();
    const techEvents: TechnicianEvent[] = [];
    const customerEvents: CustomerEvent[] = [];
    const technician = new TechnicianSession({ relayUrl: 'https://relay.test', token: GOOD_TOKEN, mode: 'chat', aead: slow.provider, connect: relay.connect });
    technician.onEvent((e) => techEvents.push(e));
    technician.start();
    const { code } = await waitFor(() => techEvents.find((e) => e.type === 'code'), 5000, 'the code');
    const customer = new CustomerSession({ relayUrl: 'https://relay.test', code, aead: webCryptoAeadProvider(), connect: relay.connect });
    customer.onEvent((e) => customerEvents.push(e));
    customer.start();
    await waitFor(() => customerEvents.some((e) => e.type === 'consent-needed'), 5000, 'the consent question');
    customer.accept({ mode: 'chat', customer: DETAILS });
    await waitFor(() => technician.state === 'active', 5000, 'the technician active');
    slow.on = true;
    await customer.end();
    await waitFor(() => technician.finished, 5000, 'the technician finished');
    expect(outcome(techEvents)).toBe('ended customer-ended');
  });

  it('before keys are confirmed, the handshake-phase reasons are reported as the relay gives them', async () => {
    // The customer's frames never arrive: the technician is still in the handshake.
    const relay = new MemoryRelay({ onFrame: (from) => (from === 'customer' ? 'drop' : 'forward') });
    const r = await run(relay, false);
    await waitFor(() => r.customer.state === 'handshaking', 5000, 'the handshake');
    r.relay.signal('technician', { t: 'peer-left', reason: 'wrong-code' });
    await waitFor(() => r.technician.finished, 5000, 'the technician finished');
    expect(outcome(r.techEvents)).toBe('failed TANDEM_ERR_WRONG_CODE');
  });

  it('the relay cannot drop the close and call it a clean end: the customer ends, the technician sees truncation', async () => {
    let cut = false;
    const relay = new MemoryRelay({ onFrame: (from) => (cut && from === 'customer' ? 'drop' : 'forward') });
    const r = await run(relay, true);
    cut = true;
    // The customer's encrypted `end` and close frame are dropped; its `bye` still makes the relay say customer-ended.
    await r.customer.end();
    await waitFor(() => r.technician.finished, 5000, 'the technician finished');
    expect(outcome(r.techEvents)).toBe('failed TANDEM_ERR_TRUNCATED');
  });
});

/** An AEAD whose `open` takes `delayMs` longer once `on` is set: records still being opened when the socket closes. */
function slowOpeningAead(inner: AeadProvider, delayMs: number): { provider: AeadProvider; on: boolean } {
  const control = {
    on: false,
    provider: {
      name: `slow ${inner.name}`,
      importKey: async (key: Uint8Array): Promise<Aead> => {
        const aead = await inner.importKey(key);
        return {
          seal: (nonce, plaintext, aad) => aead.seal(nonce, plaintext, aad),
          open: async (nonce, ciphertext, aad) => {
            if (control.on) await new Promise((resolve) => setTimeout(resolve, delayMs));
            return aead.open(nonce, ciphertext, aad);
          },
        };
      },
    },
  };
  return control;
}

const aead = webCryptoAeadProvider();
const DETAILS = { name: 'Yamada Hanako', customerNumber: '', caseNumber: '' };

type Role = 'technician' | 'customer';
type AnySession = TechnicianSession | CustomerSession;

/** A session brought to a state, and how to take its relay away there. */
interface Reached {
  session: AnySession;
  events: (TechnicianEvent | CustomerEvent)[];
  /** Takes the relay connection away (or, before there is one, fails the session). */
  cut(): void;
  /** What the session then fails with. */
  cutCode: string;
  /** Work of the session's own still in flight, to wait for after the teardown. */
  settled?: Promise<void>;
}

function technicianOn(relay: ScriptedRelay): { session: TechnicianSession; events: TechnicianEvent[] } {
  const session = new TechnicianSession({ relayUrl: 'https://relay.test', token: 'token', mode: 'chat', aead, connect: relay.connect, onTransition: technicianLog.record });
  const events: TechnicianEvent[] = [];
  session.onEvent((e) => events.push(e));
  return { session, events };
}

function customerOn(relay: ScriptedRelay, code = '12345678'): { session: CustomerSession; events: CustomerEvent[] } {
  const session = new CustomerSession({ relayUrl: 'https://relay.test', code, aead, connect: relay.connect, onTransition: customerLog.record });
  const events: CustomerEvent[] = [];
  session.onEvent((e) => events.push(e));
  return { session, events };
}

/** Both roles paired on a played rendezvous, keys confirmed and the request in (consent), or accepted (active). */
async function paired(stage: 'consent' | 'active'): Promise<{ relay: ScriptedRelay; sockets: Record<Role, ScriptedSocket>; technician: ReturnType<typeof technicianOn>; customer: ReturnType<typeof customerOn> }> {
  const rendezvous = playRendezvous();
  const relay = new ScriptedRelay({ onSignal: rendezvous.answer });
  const technician = technicianOn(relay);
  technician.session.start();
  await until(() => technician.events.some((e) => e.type === 'code'), 'the code');
  const customer = customerOn(relay, (technician.events.find((e) => e.type === 'code') as { code: string }).code);
  customer.session.start();
  await until(() => customer.session.requestedMode !== undefined && technician.session.state === 'consent', 'the request');
  if (stage === 'active') {
    customer.session.accept({ mode: 'chat', customer: DETAILS });
    await until(() => technician.session.state === 'active', 'active');
  }
  return { relay, sockets: { technician: rendezvous.technician as ScriptedSocket, customer: rendezvous.customer as ScriptedSocket }, technician, customer };
}

const STATES: Record<Role, string[]> = {
  technician: ['idle', 'connecting', 'authenticating', 'waiting', 'handshaking', 'consent', 'active'],
  customer: ['idle', 'connecting', 'handshaking', 'consent', 'refusing', 'active'],
};

/** Brings a session of `role` to `state` (a live state of its table). */
async function reach(role: Role, state: string): Promise<Reached> {
  const now = Date.now();
  if (state === 'idle' || state === 'connecting') {
    const relay = new ScriptedRelay({ opening: 'hang' });
    const s = role === 'technician' ? technicianOn(relay) : customerOn(relay);
    if (state === 'idle') return { ...s, cut: () => s.session.fail(new TandemError('TANDEM_ERR_TIMEOUT', 'stopped')), cutCode: 'TANDEM_ERR_TIMEOUT' };
    s.session.start();
    // The connection never opened: the relay is unreachable.
    return { ...s, cut: () => relay.last.drop(1006), cutCode: 'TANDEM_ERR_RELAY_UNREACHABLE' };
  }
  if (state === 'refusing') {
    const p = await paired('consent');
    // The refusal is on its way (its record is being sealed): teardown now races nothing, it comes first.
    const refusal = p.customer.session.refuse();
    return { ...p.customer, cut: () => p.customer.session.fail(new TandemError('TANDEM_ERR_TIMEOUT', 'stopped')), cutCode: 'TANDEM_ERR_TIMEOUT', settled: refusal };
  }
  if (state === 'consent' || state === 'active') {
    const p = await paired(state);
    // Keys are confirmed: a connection that ends without the peer's authenticated close is truncation.
    return { ...p[role], cut: () => p.sockets[role].drop(1006), cutCode: 'TANDEM_ERR_TRUNCATED' };
  }
  // authenticating, waiting, handshaking: a relay that answers only as far as that state.
  const relay = new ScriptedRelay({
    onSignal: (socket, signal) => {
      if (state === 'authenticating') return;
      if (signal.t === 'auth') socket.signal({ t: 'ready', technician: PLAYED_TECHNICIAN });
      if (signal.t === 'allocate') socket.signal({ t: 'allocated', nameplate: '123', expiresAt: now + 300_000, serverTime: now });
      if (signal.t === 'claim') socket.signal({ t: 'paired', sessionId: 's-1', technician: PLAYED_TECHNICIAN, mode: 'chat' });
    },
  });
  const s = role === 'technician' ? technicianOn(relay) : customerOn(relay);
  s.session.start();
  if (role === 'technician' && state === 'handshaking') {
    await until(() => s.session.state === 'waiting', 'the code');
    relay.last.signal({ t: 'paired', sessionId: 's-1', technician: PLAYED_TECHNICIAN, mode: 'chat' });
  }
  await until(() => s.session.state === state, state);
  return { ...s, cut: () => relay.last.drop(1006), cutCode: 'TANDEM_ERR_PEER_LOST' };
}

const outcomeOf = (events: (TechnicianEvent | CustomerEvent)[]): string => outcome(events);

describe('peer session: teardown', () => {
  it('ends on purpose from every state of either role, once', async () => {
    for (const role of ['technician', 'customer'] as const) {
      for (const state of STATES[role]) {
        const r = await reach(role, state);
        expect({ role, state: r.session.state }).toEqual({ role, state });
        await r.session.end();
        await r.settled;
        expect({ role, state, outcome: outcomeOf(r.events) }).toEqual({ role, state, outcome: `ended ${role}-ended` });
        // Ending again, or failing once ended, changes nothing.
        await r.session.end();
        r.session.fail(new TandemError('TANDEM_ERR_PEER_LOST', 'late'));
        expect(r.events.filter((e) => e.type === 'ended' || e.type === 'failed')).toHaveLength(1);
        expect(r.session.finished).toBe(true);
      }
    }
  });

  it('fails from every state of either role when its relay goes (or its caller fails it before it starts), once', async () => {
    for (const role of ['technician', 'customer'] as const) {
      for (const state of STATES[role]) {
        const r = await reach(role, state);
        r.cut();
        await until(() => r.session.finished, `${role} failed in ${state}`);
        await r.settled;
        expect({ role, state, outcome: outcomeOf(r.events) }).toEqual({ role, state, outcome: `failed ${r.cutCode}` });
        await r.session.end();
        expect(r.events.filter((e) => e.type === 'ended' || e.type === 'failed')).toHaveLength(1);
      }
    }
  });
});

describe('peer session: failure paths', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a relay that cannot be reached, or whose socket cannot even be made, fails with TANDEM_ERR_RELAY_UNREACHABLE naming it', async () => {
    const unreachable = technicianOn(new ScriptedRelay({ opening: 'refuse' }));
    unreachable.session.start();
    await until(() => unreachable.session.finished, 'the failure');
    expect(outcomeOf(unreachable.events)).toBe('failed TANDEM_ERR_RELAY_UNREACHABLE');
    expect(final(unreachable.events)).toMatchObject({ error: { message: expect.stringContaining('https://relay.test') } });

    const session = new CustomerSession({ relayUrl: 'https://relay.test', code: '12345678', aead, onTransition: customerLog.record, connect: () => {
      throw new Error('no socket for you');
    } });
    const events: CustomerEvent[] = [];
    session.onEvent((e) => events.push(e));
    session.start();
    expect(outcomeOf(events)).toBe('failed TANDEM_ERR_RELAY_UNREACHABLE');
  });

  it("the relay's error signal fails the session with its code and message; a malformed frame fails it too", async () => {
    const relay = new ScriptedRelay({ onSignal: (socket, signal) => signal.t === 'claim' && socket.signal({ t: 'error', code: 'TANDEM_ERR_RATE_LIMITED', message: 'Too many failed codes.' }) });
    const c = customerOn(relay);
    c.session.start();
    await until(() => c.session.finished, 'the failure');
    expect(final(c.events)).toMatchObject({ type: 'failed', error: { code: 'TANDEM_ERR_RATE_LIMITED', message: 'Too many failed codes.' } });

    const garbled = new ScriptedRelay({ onSignal: (socket) => socket.deliver('{"t": "ready", "technician": 7}') });
    const t = technicianOn(garbled);
    t.session.start();
    await until(() => t.session.finished, 'the failure');
    expect(outcomeOf(t.events)).toMatch(/^failed TANDEM_ERR_(BAD_INPUT|PROTOCOL)$/);
    expect(garbled.last.closedByClient).toBeDefined();
  });

  it('a binary frame before pairing is TANDEM_ERR_PROTOCOL, and the relay is told why (abort)', async () => {
    const relay = new ScriptedRelay({ onSignal: (socket) => socket.deliver(Uint8Array.of(1, 2, 3)) });
    const t = technicianOn(relay);
    t.session.start();
    await until(() => t.session.finished, 'the failure');
    expect(final(t.events)).toMatchObject({ error: { code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(/before pairing/) } });
    expect(relay.last.signals.map((s) => s.t)).toEqual(['auth', 'abort']);
    expect(relay.last.signals[1]).toEqual({ t: 'abort', code: 'TANDEM_ERR_PROTOCOL' });
  });

  it('a handshake that does not complete in time fails with TANDEM_ERR_TIMEOUT', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const relay = new ScriptedRelay({ onSignal: (socket, signal) => signal.t === 'claim' && socket.signal({ t: 'paired', sessionId: 's-1', technician: PLAYED_TECHNICIAN, mode: 'chat' }) });
    const c = customerOn(relay);
    c.session.start();
    for (let i = 0; i < 20 && c.session.state !== 'handshaking'; i++) await vi.advanceTimersByTimeAsync(1);
    expect(c.session.state).toBe('handshaking');
    await vi.advanceTimersByTimeAsync(TIMEOUTS.handshakeMs - 100);
    expect(c.session.state).toBe('handshaking');
    await vi.advanceTimersByTimeAsync(200);
    expect(final(c.events)).toMatchObject({ type: 'failed', error: { code: 'TANDEM_ERR_TIMEOUT' } });
  });

  /** A technician in `consent` (or, after `accept`, active) with a customer played on the real end-to-end layer. */
  async function technicianWithPlayedCustomer(): Promise<{ session: TechnicianSession; events: TechnicianEvent[]; customer: PlayedPeer }> {
    const now = Date.now();
    const played: { customer?: PlayedPeer } = {};
    const relay = new ScriptedRelay({
      onSignal: (socket, signal) => {
        if (signal.t === 'auth') socket.signal({ t: 'ready', technician: PLAYED_TECHNICIAN });
        if (signal.t === 'allocate') socket.signal({ t: 'allocated', nameplate: '123', expiresAt: now + 300_000, serverTime: now });
      },
      onFrame: (_socket, frame) => played.customer?.receive(frame),
    });
    const t = technicianOn(relay);
    t.session.start();
    await until(() => t.session.state === 'waiting', 'the code');
    const code = (t.events.find((e) => e.type === 'code') as { code: string }).code;
    const customer = new PlayedPeer({ role: 'customer', secret: parseCode(code).secret, nameplate: '123', sessionId: 'played-3', to: relay.last });
    played.customer = customer;
    customer.start();
    relay.last.signal({ t: 'paired', sessionId: 'played-3', technician: PLAYED_TECHNICIAN, mode: 'chat' });
    await until(() => t.session.state === 'consent', 'the keys');
    return { ...t, customer };
  }

  it('an unknown channel, or screen data before active, is TANDEM_ERR_PROTOCOL; once active screen data flows in bounded records', async () => {
    const a = await technicianWithPlayedCustomer();
    await a.customer.send(9, Uint8Array.of(1));
    await until(() => a.session.finished, 'the failure');
    expect(final(a.events)).toMatchObject({ error: { code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(/no handler for channel 9 in state consent/) } });

    const b = await technicianWithPlayedCustomer();
    await b.customer.send(CHANNEL.rfb, Uint8Array.of(1));
    await until(() => b.session.finished, 'the failure');
    expect(final(b.events)).toMatchObject({ error: { code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(/no handler for channel 2 in state consent/) } });

    const c = await technicianWithPlayedCustomer();
    await c.customer.say({ type: 'consent', accepted: true, mode: 'chat', customer: DETAILS });
    await until(() => c.session.state === 'active', 'active');
    await c.customer.send(CHANNEL.rfb, Uint8Array.of(3, 8));
    await until(() => c.events.some((e) => e.type === 'rfb'), 'the screen data');
    expect(c.events.find((e) => e.type === 'rfb')).toEqual({ type: 'rfb', data: Uint8Array.of(3, 8) });
    const bytes = new Uint8Array(LIMITS.rfbChunkBytes * 2 + 5).map((_, i) => i & 0xff);
    await c.session.sendRfb(bytes);
    await until(() => c.customer.records.length === 3, 'the records');
    expect(c.customer.records.map((r) => [r.channel, r.payload.length])).toEqual([
      [CHANNEL.rfb, LIMITS.rfbChunkBytes],
      [CHANNEL.rfb, LIMITS.rfbChunkBytes],
      [CHANNEL.rfb, 5],
    ]);
    expect(Uint8Array.from(c.customer.records.flatMap((r) => [...r.payload]))).toEqual(bytes);
  });

  it("the peer's authenticated close without an end message ends the session as the peer's end", async () => {
    const t = await technicianWithPlayedCustomer();
    await t.customer.secure.close();
    await until(() => t.session.finished, 'the end');
    expect(outcomeOf(t.events)).toBe('ended customer-ended');
  });

  it('took every transition PeerSession owns: into ended and into failed, from every state of both roles', () => {
    const teardown = (_from: string, to: string): boolean => to === 'ended' || to === 'failed';
    expect(technicianLog.untaken(TECHNICIAN_TRANSITIONS, teardown)).toEqual([]);
    expect(customerLog.untaken(CUSTOMER_TRANSITIONS, teardown)).toEqual([]);
  });
});
