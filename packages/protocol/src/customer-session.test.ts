/**
 * The customer's session through its injected connection factory, without a
 * network: a relay in memory (test/memory-relay.ts) or one the test plays
 * (test/scripted-relay.ts), with a real technician's session or a hostile
 * technician on the real end-to-end layer (test/played-peer.ts).
 *
 * States: idle, connecting, handshaking, consent, refusing, active, ended,
 * failed (CUSTOMER_TRANSITIONS). This file covers the customer's own moves;
 * every move into `ended` or `failed` is PeerSession's teardown and is
 * covered, from every state, by peer-session.test.ts.
 *
 * | transition                | test                                                          |
 * | ------------------------- | ------------------------------------------------------------- |
 * | idle → connecting         | "a code: claims only the nameplate ..."                       |
 * | connecting → handshaking  | "a code: claims only the nameplate ...", "an invitation ..."  |
 * | handshaking → consent     | "a code: claims only the nameplate ...", "an invitation ..."  |
 * | consent → active          | "a code: claims only the nameplate ...", step-up tests        |
 * | consent → refusing        | "refuses: the technician hears it from the customer first"    |
 *
 * Step-up requests (security review, issue 7 item 4): a request that arrives
 * while another waits for the customer is refused, never swapped in for the
 * one the customer is looking at; a decision must name the mode it answers.
 * Failure paths: a hostile relay, a hostile technician, and calls out of
 * turn from the customer's own side. The last test checks that the tests
 * above took every transition they own.
 */
import { describe, expect, it } from 'vitest';
import { GOOD_TOKEN, MemoryRelay, PLAYED_TECHNICIAN, PlayedPeer, playRendezvous, ScriptedRelay, TransitionLog, until, waitFor, type ScriptedSocket } from '@tandem/test-kit';
import { webCryptoAeadProvider } from './aead.js';
import type { Mode } from './constants.js';
import { CUSTOMER_TRANSITIONS, CustomerSession, type CustomerEvent, type CustomerSessionOptions } from './customer-session.js';
import type { TandemError } from './errors.js';
import { TechnicianSession, type TechnicianEvent } from './technician-session.js';

const log = new TransitionLog();

interface Pair {
  relay: MemoryRelay;
  technician: TechnicianSession;
  customer: CustomerSession;
  techEvents: TechnicianEvent[];
  customerEvents: CustomerEvent[];
}

/** A session accepted in chat-only mode, both sides active. */
async function activeSession(relay = new MemoryRelay()): Promise<Pair> {
  const aead = webCryptoAeadProvider();
  const techEvents: TechnicianEvent[] = [];
  const customerEvents: CustomerEvent[] = [];
  const technician = new TechnicianSession({ relayUrl: 'https://relay.test', token: GOOD_TOKEN, mode: 'chat', aead, connect: relay.connect });
  technician.onEvent((e) => techEvents.push(e));
  technician.start();
  const { code } = await waitFor(() => techEvents.find((e) => e.type === 'code'), 5000, 'the code');
  const customer = new CustomerSession({ relayUrl: 'https://relay.test', code, aead, connect: relay.connect, onTransition: log.record });
  customer.onEvent((e) => customerEvents.push(e));
  customer.start();
  await waitFor(() => customerEvents.some((e) => e.type === 'consent-needed'), 5000, 'the consent question');
  customer.accept({ mode: 'chat', customer: { name: 'Yamada Hanako', customerNumber: '', caseNumber: '' } });
  await waitFor(() => technician.state === 'active', 5000, 'the technician active');
  return { relay, technician, customer, techEvents, customerEvents };
}

const modes = (events: TechnicianEvent[]): Mode[] => events.flatMap((e) => (e.type === 'mode' ? [e.mode] : []));
const decisions = (events: TechnicianEvent[]): string[] => events.flatMap((e) => (e.type === 'decision' ? [`${e.mode} ${e.accepted ? 'accepted' : 'refused'}`] : []));

describe('customer session: step-up requests', () => {
  it('refuses a request that arrives while another is pending; the pending one stays as the customer saw it', async () => {
    const p = await activeSession();
    p.technician.requestMode('view');
    await waitFor(() => p.customer.pendingRequest === 'view', 5000, 'the view request');
    // The swap: the technician asks for control while the customer looks at "view".
    p.technician.requestMode('control');
    await waitFor(() => p.customer.pendingRequest !== 'view' || decisions(p.techEvents).length > 0, 5000, 'the control request handled');
    expect(p.customer.pendingRequest).toBe('view');
    await waitFor(() => decisions(p.techEvents).length > 0, 5000, 'the refusal');
    expect(decisions(p.techEvents)).toEqual(['control refused']);
    // The customer is told.
    expect(p.customerEvents.filter((e) => e.type === 'mode-request' || e.type === 'request-refused')).toEqual([
      { type: 'mode-request', mode: 'view' },
      { type: 'request-refused', mode: 'control', pending: 'view' },
    ]);
    // The customer's "Allow" carries the mode it saw: view is granted, control never.
    p.customer.decide('view', true);
    await waitFor(() => modes(p.techEvents).includes('view'), 5000, 'the view mode');
    expect(p.customer.mode).toBe('view');
    expect(() => p.customer.decide('control', true)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL' }));
    expect(modes(p.techEvents)).not.toContain('control');
    expect(decisions(p.techEvents)).toEqual(['control refused', 'view accepted']);
    await p.technician.end();
  });

  it('a decision for another mode than the pending one grants nothing', async () => {
    const p = await activeSession();
    p.technician.requestMode('view');
    await waitFor(() => p.customer.pendingRequest === 'view', 5000, 'the view request');
    expect(() => p.customer.decide('control', true)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL' }));
    expect(p.customer.mode).toBe('chat');
    expect(p.customer.pendingRequest).toBe('view');
    // After the answer another request may come, and is asked as usual.
    p.customer.decide('view', false);
    p.technician.requestMode('control');
    await waitFor(() => p.customer.pendingRequest === 'control', 5000, 'the control request');
    expect(decisions(p.techEvents)).toEqual(['view refused']);
    await p.technician.end();
  });
});

const aead = webCryptoAeadProvider();
const TICKET = 'ticket-abcdefghijklmnopqrstuv';
const DETAILS = { name: 'Yamada Hanako', customerNumber: 'K-1', caseNumber: '' };

function customerOn(relay: ScriptedRelay, how: { code: string } | { invitation: { ticket: string; secret: string; attemptId: string } }): { session: CustomerSession; events: CustomerEvent[] } {
  const options: CustomerSessionOptions = { relayUrl: 'https://relay.test', aead, connect: relay.connect, onTransition: log.record, ...how };
  const session = new CustomerSession(options);
  const events: CustomerEvent[] = [];
  session.onEvent((e) => events.push(e));
  return { session, events };
}

function technicianOn(relay: ScriptedRelay, options: { mode?: Mode; caseNumber?: string } = {}): { session: TechnicianSession; events: TechnicianEvent[] } {
  const session = new TechnicianSession({ relayUrl: 'https://relay.test', token: 'token', mode: options.mode ?? 'chat', aead, connect: relay.connect, ...(options.caseNumber ? { caseNumber: options.caseNumber } : {}) });
  const events: TechnicianEvent[] = [];
  session.onEvent((e) => events.push(e));
  session.start();
  return { session, events };
}

const failureOf = (events: CustomerEvent[]): TandemError | undefined => {
  const last = events[events.length - 1];
  return last?.type === 'failed' ? last.error : undefined;
};

describe('customer session: the way to active', () => {
  it('a code: claims only the nameplate, pairs, confirms the keys, is asked, grants at most what was asked, steps down', async () => {
    const rendezvous = playRendezvous();
    const relay = new ScriptedRelay({ onSignal: rendezvous.answer });
    const t = technicianOn(relay, { mode: 'view', caseNumber: 'C-7' });
    await until(() => t.events.some((e) => e.type === 'code'), 'the code');
    const code = (t.events.find((e) => e.type === 'code') as { code: string }).code;
    const c = customerOn(relay, { code: `${code.slice(0, 3)}-${code.slice(3)}` });
    expect(c.session.state).toBe('idle');
    c.session.start();
    expect(c.session.state).toBe('connecting');
    await until(() => c.session.state === 'consent' && c.session.requestedMode !== undefined, 'the request');
    const socket = rendezvous.customer as ScriptedSocket;
    // Only the nameplate goes to the relay, never the secret.
    expect(socket.signals[0]).toEqual({ t: 'claim', nameplate: '123' });
    expect(JSON.stringify(socket.signals)).not.toContain(code.slice(3));
    expect(c.events.map((e) => e.type)).toEqual(['joined', 'consent-needed']);
    expect(c.events[0]).toEqual({ type: 'joined', sessionId: 'played-session-1', sas: t.session.sas, technician: PLAYED_TECHNICIAN, caseNumber: 'C-7' });
    expect(c.session.technician).toEqual(PLAYED_TECHNICIAN);
    expect(c.session.sas).toBe(t.session.sas);

    // More than asked is refused as bad input and changes nothing.
    expect(() => c.session.accept({ mode: 'control', customer: DETAILS })).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT' }));
    expect(c.session.state).toBe('consent');
    c.session.accept({ mode: 'chat', customer: DETAILS });
    expect(c.session.state).toBe('active');
    expect(socket.signals.find((s) => s.t === 'consent')).toEqual({ t: 'consent', customer: DETAILS, mode: 'chat' });
    await until(() => t.session.state === 'active', 'the technician active');
    expect(t.session.mode).toBe('chat');

    // A request for what is already granted is answered at once; a step up is asked.
    t.session.requestMode('chat');
    await until(() => t.events.some((e) => e.type === 'decision'), 'the answer');
    expect(c.events.some((e) => e.type === 'mode-request')).toBe(false);
    t.session.requestMode('view');
    await until(() => c.session.pendingRequest === 'view', 'the view request');
    c.session.decide('view', true);
    expect(c.session.mode).toBe('view');
    // Stepping down answers a pending request with a refusal.
    t.session.requestMode('control');
    await until(() => c.session.pendingRequest === 'control', 'the control request');
    expect(() => c.session.stepDown('view')).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT' }));
    c.session.stepDown('chat');
    expect(c.session.pendingRequest).toBeUndefined();
    await until(() => t.session.mode === 'chat', 'the step down');
    expect(t.events.filter((e) => e.type === 'decision')).toEqual([
      { type: 'decision', mode: 'chat', accepted: true },
      { type: 'decision', mode: 'view', accepted: true },
      { type: 'decision', mode: 'control', accepted: false },
    ]);
    expect(socket.signals.filter((s) => s.t === 'mode')).toEqual([{ t: 'mode', mode: 'view' }, { t: 'mode', mode: 'chat' }]);
    expect(c.events.filter((e) => e.type === 'mode')).toEqual([{ type: 'mode', mode: 'chat' }, { type: 'mode', mode: 'view' }, { type: 'mode', mode: 'chat' }]);
    await c.session.end();
    await until(() => t.session.finished, 'the technician ended');
    expect(t.events[t.events.length - 1]).toEqual({ type: 'ended', reason: 'customer-ended' });
  });

  it('an invitation attempt: joins with the ticket and the attempt, never the secret', async () => {
    const joining: { session?: CustomerSession; events: CustomerEvent[] } = { events: [] };
    const rendezvous = playRendezvous({
      onAnswer: (ticket, attemptId) => {
        Object.assign(joining, customerOn(relay, { invitation: { ticket, secret: 'correct horse', attemptId } }));
        joining.session?.start();
      },
    });
    const relay = new ScriptedRelay({ onSignal: rendezvous.answer });
    const t = new TechnicianSession({ relayUrl: 'https://relay.test', token: 'token', mode: 'view', aead, connect: relay.connect, invitation: { ticket: TICKET, secret: 'correct horse' } });
    t.start();
    await until(() => joining.session?.state === 'consent' && joining.session.requestedMode === 'view', 'the request');
    expect((rendezvous.customer as ScriptedSocket).signals[0]).toEqual({ t: 'join', ticket: TICKET, attemptId: 'attempt-0001' });
    expect(JSON.stringify((rendezvous.customer as ScriptedSocket).signals)).not.toContain('correct horse');
    joining.session?.accept({ mode: 'view', customer: DETAILS });
    await until(() => t.state === 'active', 'active');
    await t.end();
    // An invitation's fields are checked before anything connects.
    const badInput = expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT' });
    expect(() => customerOn(relay, { invitation: { ticket: 'short', secret: 's', attemptId: 'attempt-0001' } })).toThrow(badInput);
    expect(() => customerOn(relay, { invitation: { ticket: TICKET, secret: '', attemptId: 'attempt-0001' } })).toThrow(badInput);
    expect(() => customerOn(relay, { invitation: { ticket: TICKET, secret: 's', attemptId: 'x' } })).toThrow(badInput);
    expect(() => customerOn(relay, { code: '12' })).toThrow(badInput);
  });

  it('refuses: the technician hears it from the customer first; nothing more can be answered', async () => {
    const rendezvous = playRendezvous();
    const relay = new ScriptedRelay({ onSignal: rendezvous.answer });
    const t = technicianOn(relay);
    await until(() => t.events.some((e) => e.type === 'code'), 'the code');
    const c = customerOn(relay, { code: (t.events.find((e) => e.type === 'code') as { code: string }).code });
    c.session.start();
    await until(() => c.session.requestedMode !== undefined, 'the request');
    const refused = c.session.refuse();
    expect(c.session.state).toBe('refusing');
    expect(() => c.session.accept({ mode: 'chat', customer: DETAILS })).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL' }));
    await expect(c.session.refuse()).rejects.toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });
    await refused;
    expect(c.events[c.events.length - 1]).toEqual({ type: 'ended', reason: 'refused' });
    await until(() => t.session.finished, 'the technician');
    // The customer's encrypted refusal came first: the technician says "refused", then fails with it.
    expect(t.events.slice(-2).map((e) => e.type)).toEqual(['refused', 'failed']);
    expect((rendezvous.customer as ScriptedSocket).signals.map((s) => s.t)).toEqual(['claim', 'confirmed', 'refuse']);
  });
});

describe('customer session: failure paths', () => {
  it('refuses a relay signal out of turn with TANDEM_ERR_PROTOCOL, and takes a relay error as it is', async () => {
    const paired = { t: 'paired', sessionId: 's-1', technician: PLAYED_TECHNICIAN, mode: 'chat' };
    const cases: { name: string; answer: (socket: ScriptedSocket) => void; code: string; message: RegExp }[] = [
      { name: 'unknown code', answer: (s) => s.signal({ t: 'error', code: 'TANDEM_ERR_CODE_UNKNOWN', message: 'No session is waiting.' }), code: 'TANDEM_ERR_CODE_UNKNOWN', message: /No session/ },
      { name: 'paired twice', answer: (s) => [1, 2].forEach(() => s.signal(paired)), code: 'TANDEM_ERR_PROTOCOL', message: /"paired" is not valid in state handshaking/ },
      { name: 'a technician\'s signal', answer: (s) => s.signal({ t: 'ready', technician: PLAYED_TECHNICIAN }), code: 'TANDEM_ERR_PROTOCOL', message: /relay sent ready in state connecting/ },
    ];
    for (const c of cases) {
      const relay = new ScriptedRelay({ onSignal: (socket, signal) => signal.t === 'claim' && c.answer(socket) });
      const customer = customerOn(relay, { code: '12345678' });
      customer.session.start();
      await until(() => customer.session.finished, `the failure (${c.name})`);
      const error = failureOf(customer.events);
      expect({ name: c.name, code: error?.code }).toEqual({ name: c.name, code: c.code });
      expect(error?.message).toMatch(c.message);
    }
  });

  /** A customer in `consent`, keys confirmed with a hostile technician that has not asked yet. */
  async function facingHostileTechnician(): Promise<{ session: CustomerSession; events: CustomerEvent[]; technician: PlayedPeer }> {
    let technician: PlayedPeer | undefined;
    const relay = new ScriptedRelay({
      onSignal: (socket, signal) => {
        if (signal.t !== 'claim') return;
        technician = new PlayedPeer({ role: 'technician', secret: '45678', nameplate: '123', sessionId: 'hostile-2', to: socket });
        socket.signal({ t: 'paired', sessionId: 'hostile-2', technician: PLAYED_TECHNICIAN, mode: 'control' });
        technician.start();
      },
      onFrame: (_socket, frame) => technician?.receive(frame),
    });
    const c = customerOn(relay, { code: '12345678' });
    c.session.start();
    await until(() => c.session.state === 'consent', 'the keys confirmed');
    return { ...c, technician: technician as PlayedPeer };
  }

  it('refuses what a technician may not say with TANDEM_ERR_PROTOCOL, and nothing can be answered before the request', async () => {
    const early = await facingHostileTechnician();
    const protocolError = expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL' });
    expect(() => early.session.accept({ mode: 'chat', customer: DETAILS })).toThrow(protocolError);
    await expect(early.session.refuse()).rejects.toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });
    expect(early.session.state).toBe('consent');

    const cases: { name: string; say: (t: PlayedPeer) => Promise<void>; message: RegExp }[] = [
      { name: 'two requests', say: async (t) => { await t.say({ type: 'request', mode: 'view' }); await t.say({ type: 'request', mode: 'control' }); }, message: /technician sent request in state consent/ },
      { name: 'consent', say: (t) => t.say({ type: 'consent', accepted: true, mode: 'control', customer: DETAILS }), message: /technician sent consent/ },
      { name: 'decision', say: (t) => t.say({ type: 'decision', mode: 'control', accepted: true }), message: /technician sent decision/ },
      { name: 'mode', say: (t) => t.say({ type: 'mode', mode: 'control' }), message: /technician sent mode/ },
      { name: 'chat', say: (t) => t.say({ type: 'chat', text: 'too early' }), message: /chat is not valid in state consent/ },
    ];
    for (const c of cases) {
      const h = await facingHostileTechnician();
      await c.say(h.technician);
      await until(() => h.session.finished, `the failure (${c.name})`);
      const error = failureOf(h.events);
      expect({ name: c.name, code: error?.code }).toEqual({ name: c.name, code: 'TANDEM_ERR_PROTOCOL' });
      expect(error?.message).toMatch(c.message);
      expect(h.session.mode).toBeUndefined();
    }
  });

  it("refuses calls out of turn from the customer's own side", () => {
    const relay = new ScriptedRelay({ opening: 'hang' });
    const c = customerOn(relay, { code: '12345678' });
    const protocolError = expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL' });
    expect(() => c.session.accept({ mode: 'chat', customer: DETAILS })).toThrow(protocolError);
    expect(() => c.session.decide('view', true)).toThrow(protocolError);
    expect(() => c.session.stepDown('chat')).toThrow(protocolError);
    expect(() => c.session.sendChat('hello')).toThrow(protocolError);
    const badInput = expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT' });
    expect(() => c.session.accept({ mode: 'chat', customer: { ...DETAILS, name: 'x'.repeat(1000) } })).toThrow(badInput);
    expect(() => c.session.decide('all' as Mode, true)).toThrow(badInput);
    expect(() => c.session.sendChat('')).toThrow(badInput);
  });

  it("took every transition of its own (the moves into ended and failed are peer-session.test.ts's)", () => {
    expect(log.untaken(CUSTOMER_TRANSITIONS, (_from, to) => to !== 'ended' && to !== 'failed')).toEqual([]);
  });
});
