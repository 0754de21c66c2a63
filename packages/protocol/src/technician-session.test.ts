/**
 * The technician's session through its injected connection factory, without
 * a network: a relay the test plays (test/scripted-relay.ts), with a real
 * customer's session or a hostile customer on the real end-to-end layer
 * (test/played-peer.ts) on the other side.
 *
 * States: idle, connecting, authenticating, waiting, handshaking, consent,
 * active, ended, failed (TECHNICIAN_TRANSITIONS). This file covers the
 * technician's own moves; every move into `ended` or `failed` is PeerSession's
 * teardown and is covered, from every state, by peer-session.test.ts.
 *
 * | transition                    | test                                                     |
 * | ----------------------------- | -------------------------------------------------------- |
 * | idle → connecting             | "a code: signs in, shows the code ..."                    |
 * | connecting → authenticating   | "a code: signs in, shows the code ..."                    |
 * | authenticating → waiting      | "a code: signs in, shows the code ..."                    |
 * | authenticating → handshaking  | "an invitation: answers the ticket ..."                   |
 * | waiting → handshaking         | "a code: signs in, shows the code ..."                    |
 * | handshaking → consent         | "a code: ...", "an invitation: ..."                       |
 * | consent → active              | "a code: ...", "an invitation: ..."                       |
 *
 * Failure paths: a hostile relay ("refuses a relay signal out of turn ..."),
 * a hostile customer ("refuses what a customer may not say ..."), and what
 * the technician's own caller may not do ("refuses calls out of turn ...").
 * The last test checks that the tests above took every transition they own.
 */
import { describe, expect, it } from 'vitest';
import { PLAYED_TECHNICIAN, PlayedPeer, playRendezvous, ScriptedRelay, TransitionLog, until, type ScriptedSocket } from '@tandem/test-kit';
import { webCryptoAeadProvider } from './aead.js';
import { CustomerSession, type CustomerEvent } from './customer-session.js';
import { TandemError } from './errors.js';
import { parseCode } from './session-code.js';
import { TECHNICIAN_TRANSITIONS, TechnicianSession, type TechnicianEvent, type TechnicianSessionOptions } from './technician-session.js';

const log = new TransitionLog();
const aead = webCryptoAeadProvider();
const TICKET = 'ticket-abcdefghijklmnopqrstuv';
const CUSTOMER = { name: 'Yamada Hanako', customerNumber: 'K-1', caseNumber: 'C-7' };


interface Tech {
  session: TechnicianSession;
  events: TechnicianEvent[];
}

function technician(relay: ScriptedRelay, options: Partial<TechnicianSessionOptions> = {}): Tech {
  const session = new TechnicianSession({ relayUrl: 'https://relay.test', token: 'token', mode: 'chat', aead, connect: relay.connect, onTransition: log.record, ...options });
  const events: TechnicianEvent[] = [];
  session.onEvent((e) => events.push(e));
  return { session, events };
}

function customerOn(relay: ScriptedRelay, how: { code: string } | { invitation: { ticket: string; secret: string; attemptId: string } }): { session: CustomerSession; events: CustomerEvent[] } {
  const session = new CustomerSession({ relayUrl: 'https://relay.test', aead, connect: relay.connect, ...how });
  const events: CustomerEvent[] = [];
  session.onEvent((e) => events.push(e));
  session.start();
  return { session, events };
}

const failure = (events: TechnicianEvent[]): TandemError | undefined => {
  const last = events[events.length - 1];
  return last?.type === 'failed' ? last.error : undefined;
};

const codeOf = (events: TechnicianEvent[]): string | undefined => events.flatMap((e) => (e.type === 'code' ? [e.code] : []))[0];

describe('technician session: the way to active', () => {
  it('a code: signs in, shows the code (expiry on the local clock), extends it, pairs, confirms the keys, asks and becomes active', async () => {
    const rendezvous = playRendezvous();
    const relay = new ScriptedRelay({ onSignal: rendezvous.answer });
    // The technician's clock runs a minute ahead of the relay's: expiry is shown on the technician's clock.
    const t = technician(relay, { mode: 'view', caseNumber: 'C-7', now: () => Date.now() + 60_000 });
    expect(t.session.state).toBe('idle');
    t.session.start();
    expect(t.session.state).toBe('connecting');
    await until(() => t.session.state === 'waiting', 'the code');
    const socket = relay.sockets[0] as ScriptedSocket;
    expect(socket.signals.slice(0, 2)).toEqual([{ t: 'auth', token: 'token' }, { t: 'allocate', mode: 'view', caseNumber: 'C-7' }]);
    const shown = t.events.find((e) => e.type === 'code');
    expect(shown).toMatchObject({ type: 'code', nameplate: '123', code: expect.stringMatching(/^123\d+$/) });
    expect(shown?.type === 'code' && shown.expiresAt - Date.now()).toBeGreaterThan(300_000 + 55_000);

    t.session.extend();
    await until(() => t.events.some((e) => e.type === 'extended'), 'the extension');
    expect(socket.signals[2]).toEqual({ t: 'extend' });

    const c = customerOn(relay, { code: codeOf(t.events) ?? '' });
    await until(() => c.events.some((e) => e.type === 'consent-needed'), 'the request at the customer');
    expect(t.session.state).toBe('consent');
    expect(t.session.sessionId).toBe('played-session-1');
    const joined = t.events.find((e) => e.type === 'joined');
    expect(joined).toEqual({ type: 'joined', sessionId: 'played-session-1', sas: t.session.sas });
    expect(c.events.find((e) => e.type === 'consent-needed')).toMatchObject({ mode: 'view', caseNumber: 'C-7', technician: PLAYED_TECHNICIAN, sas: t.session.sas });
    // The relay is told the keys are confirmed, and nothing of the secret.
    expect(socket.signals.map((s) => s.t)).toContain('confirmed');
    expect(JSON.stringify(socket.signals)).not.toContain(parseCode(codeOf(t.events) ?? '').secret);

    c.session.accept({ mode: 'view', customer: CUSTOMER });
    await until(() => t.session.state === 'active', 'active');
    expect(t.session.mode).toBe('view');
    expect(t.events.find((e) => e.type === 'accepted')).toEqual({ type: 'accepted', mode: 'view', customer: CUSTOMER });

    // Active: chat both ways, a step up the customer grants.
    t.session.sendChat('hello');
    c.session.sendChat('hi');
    await until(() => t.events.some((e) => e.type === 'chat') && c.events.some((e) => e.type === 'chat'), 'the chat');
    expect(t.events.find((e) => e.type === 'chat')).toEqual({ type: 'chat', text: 'hi' });
    t.session.requestMode('control');
    await until(() => c.session.pendingRequest === 'control', 'the request');
    c.session.decide('control', true);
    await until(() => t.session.mode === 'control', 'control');
    expect(t.events.filter((e) => e.type === 'decision' || e.type === 'mode')).toEqual([
      { type: 'decision', mode: 'control', accepted: true },
      { type: 'mode', mode: 'control' },
    ]);
    await t.session.end();
    expect(t.events[t.events.length - 1]).toEqual({ type: 'ended', reason: 'technician-ended' });
  });

  it("an invitation: answers the ticket with the invitation's secret, and pairs with the customer's agent that joins", async () => {
    const joining: { session?: CustomerSession; events: CustomerEvent[] } = { events: [] };
    const rendezvous = playRendezvous({
      onAnswer: (ticket, attemptId) => Object.assign(joining, customerOn(relay, { invitation: { ticket, secret: 'correct horse', attemptId } })),
    });
    const relay = new ScriptedRelay({ onSignal: rendezvous.answer });
    const t = technician(relay, { mode: 'control', caseNumber: 'C-9', invitation: { ticket: TICKET, secret: 'correct horse' } });
    t.session.start();
    await until(() => t.session.state === 'consent', 'the keys confirmed');
    expect((relay.sockets[0] as ScriptedSocket).signals[1]).toEqual({ t: 'answer', ticket: TICKET, mode: 'control', caseNumber: 'C-9' });
    // No code is shown for an invitation.
    expect(t.events.some((e) => e.type === 'code')).toBe(false);
    expect(t.session.sas).toBe(joining.session?.sas);
    await until(() => joining.events.some((e) => e.type === 'consent-needed'), 'the request');
    joining.session?.accept({ mode: 'view', customer: CUSTOMER });
    await until(() => t.session.state === 'active', 'active');
    expect(t.session.mode).toBe('view');
    await t.session.end();
  });
});

describe('technician session: failure paths', () => {
  it('refuses a relay signal out of turn with TANDEM_ERR_PROTOCOL, and takes a relay error as it is', async () => {
    const now = Date.now();
    const cases: { name: string; options?: Partial<TechnicianSessionOptions>; answer: (socket: ScriptedSocket, t: string) => void; code: string; message: RegExp }[] = [
      {
        name: 'token refused',
        answer: (s, t) => t === 'auth' && s.signal({ t: 'error', code: 'TANDEM_ERR_UNAUTHORIZED', message: 'Sign in first.' }),
        code: 'TANDEM_ERR_UNAUTHORIZED',
        message: /Sign in first/,
      },
      { name: 'extended before a code', answer: (s, t) => t === 'auth' && s.signal({ t: 'extended', expiresAt: now, serverTime: now }), code: 'TANDEM_ERR_PROTOCOL', message: /"extended" is not valid in state authenticating/ },
      {
        name: 'paired before a code',
        answer: (s, t) => t === 'auth' && s.signal({ t: 'paired', sessionId: 's', technician: PLAYED_TECHNICIAN, mode: 'chat' }),
        code: 'TANDEM_ERR_PROTOCOL',
        message: /paired before a code was allocated/,
      },
      {
        name: 'paired before the answer',
        options: { invitation: { ticket: TICKET, secret: 'secret' } },
        answer: (s, t) => t === 'auth' && s.signal({ t: 'paired', sessionId: 's', technician: PLAYED_TECHNICIAN, mode: 'chat' }),
        code: 'TANDEM_ERR_PROTOCOL',
        message: /paired before the answer/,
      },
      {
        name: 'ready while waiting',
        answer: (s, t) => (t === 'auth' ? s.signal({ t: 'ready', technician: PLAYED_TECHNICIAN }) : t === 'allocate' && (s.signal({ t: 'allocated', nameplate: '123', expiresAt: now, serverTime: now }), s.signal({ t: 'ready', technician: PLAYED_TECHNICIAN }))),
        code: 'TANDEM_ERR_PROTOCOL',
        message: /"ready" is not valid in state waiting/,
      },
      {
        name: 'allocated twice',
        answer: (s, t) => (t === 'auth' ? s.signal({ t: 'ready', technician: PLAYED_TECHNICIAN }) : t === 'allocate' && [1, 2].forEach(() => s.signal({ t: 'allocated', nameplate: '123', expiresAt: now, serverTime: now }))),
        code: 'TANDEM_ERR_PROTOCOL',
        message: /"allocated" is not valid in state waiting/,
      },
      { name: 'a holder\'s signal', answer: (s, t) => t === 'auth' && s.signal({ t: 'holding', ticket: TICKET }), code: 'TANDEM_ERR_PROTOCOL', message: /relay sent holding in state authenticating/ },
    ];
    for (const c of cases) {
      const relay = new ScriptedRelay({ onSignal: (socket, signal) => c.answer(socket, signal.t) });
      const t = technician(relay, c.options);
      t.session.start();
      await until(() => t.session.finished, `the failure (${c.name})`);
      const error = failure(t.events);
      expect({ name: c.name, code: error?.code }).toEqual({ name: c.name, code: c.code });
      expect(error?.message).toMatch(c.message);
    }
  });

  /** A technician in `consent` with a hostile customer on the real end-to-end layer. */
  async function facingHostileCustomer(mode: 'chat' | 'view' = 'chat'): Promise<Tech & { customer: PlayedPeer }> {
    const now = Date.now();
    const played: { customer?: PlayedPeer } = {};
    const relay = new ScriptedRelay({
      onSignal: (socket, signal) => {
        if (signal.t === 'auth') socket.signal({ t: 'ready', technician: PLAYED_TECHNICIAN });
        if (signal.t === 'allocate') socket.signal({ t: 'allocated', nameplate: '123', expiresAt: now + 300_000, serverTime: now });
      },
      onFrame: (_socket, frame) => played.customer?.receive(frame),
    });
    const t = technician(relay, { mode });
    t.session.start();
    await until(() => t.session.state === 'waiting', 'the code');
    const socket = relay.sockets[0] as ScriptedSocket;
    const customer = new PlayedPeer({ role: 'customer', secret: parseCode(codeOf(t.events) ?? '').secret, nameplate: '123', sessionId: 'hostile-1', to: socket });
    played.customer = customer;
    customer.start();
    socket.signal({ t: 'paired', sessionId: 'hostile-1', technician: PLAYED_TECHNICIAN, mode });
    await until(() => t.session.state === 'consent' && customer.control.length === 1, 'the request');
    expect(customer.control).toEqual([{ type: 'request', mode }]);
    return { ...t, customer };
  }

  it('refuses what a customer may not say in consent with TANDEM_ERR_PROTOCOL; a refusal is the customer\'s own word', async () => {
    const cases: { name: string; say: (c: PlayedPeer) => Promise<void>; code: string; message: RegExp }[] = [
      { name: 'decision', say: (c) => c.say({ type: 'decision', mode: 'view', accepted: true }), code: 'TANDEM_ERR_PROTOCOL', message: /decision is not valid in state consent/ },
      { name: 'mode', say: (c) => c.say({ type: 'mode', mode: 'chat' }), code: 'TANDEM_ERR_PROTOCOL', message: /mode is not valid in state consent/ },
      { name: 'request', say: (c) => c.say({ type: 'request', mode: 'control' }), code: 'TANDEM_ERR_PROTOCOL', message: /customer sent request/ },
      { name: 'chat', say: (c) => c.say({ type: 'chat', text: 'too early' }), code: 'TANDEM_ERR_PROTOCOL', message: /chat is not valid in state consent/ },
      {
        name: 'more than asked',
        say: (c) => c.say({ type: 'consent', accepted: true, mode: 'control', customer: CUSTOMER }),
        code: 'TANDEM_ERR_PROTOCOL',
        message: /granted control, more than the chat asked for/,
      },
      { name: 'refusal', say: (c) => c.say({ type: 'consent', accepted: false }), code: 'TANDEM_ERR_REFUSED', message: /./ },
    ];
    for (const c of cases) {
      const t = await facingHostileCustomer();
      await c.say(t.customer);
      await until(() => t.session.finished, `the failure (${c.name})`);
      const error = failure(t.events);
      expect({ name: c.name, code: error?.code }).toEqual({ name: c.name, code: c.code });
      expect(error?.message).toMatch(c.message);
      if (c.name === 'refusal') expect(t.events.slice(-2).map((e) => e.type)).toEqual(['refused', 'failed']);
      expect(t.session.mode).toBeUndefined();
    }
  });

  it('once active, a second consent is TANDEM_ERR_PROTOCOL; a decision for another request is passed on as it is', async () => {
    const t = await facingHostileCustomer('view');
    await t.customer.say({ type: 'consent', accepted: true, mode: 'chat', customer: CUSTOMER });
    await until(() => t.session.state === 'active', 'active');
    expect(t.session.mode).toBe('chat');
    await t.customer.say({ type: 'mode', mode: 'view' });
    await t.customer.say({ type: 'decision', mode: 'control', accepted: false });
    await t.customer.say({ type: 'consent', accepted: true, mode: 'chat', customer: CUSTOMER });
    await until(() => t.session.finished, 'the failure');
    expect(t.events.filter((e) => e.type === 'mode' || e.type === 'decision')).toEqual([
      { type: 'mode', mode: 'view' },
      { type: 'decision', mode: 'control', accepted: false },
    ]);
    expect(failure(t.events)).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(/consent is not valid in state active/) });
  });

  it("refuses calls out of turn from the technician's own side, and bad options", async () => {
    const relay = new ScriptedRelay({ opening: 'hang' });
    const t = technician(relay);
    const protocolError = expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL' });
    expect(() => t.session.extend()).toThrow(protocolError);
    expect(() => t.session.requestMode('view')).toThrow(protocolError);
    expect(() => t.session.sendChat('hello')).toThrow(protocolError);
    expect(() => t.session.sendRfb(Uint8Array.of(1))).toThrow(protocolError);
    t.session.start();
    expect(() => t.session.start()).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_INTERNAL' }));
    expect(() => t.session.requestMode('everything' as 'view')).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT' }));
    const badInput = expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT' });
    expect(() => technician(relay, { token: '' })).toThrow(badInput);
    expect(() => technician(relay, { mode: 'all' as 'chat' })).toThrow(badInput);
    expect(() => technician(relay, { caseNumber: 'x'.repeat(1000) })).toThrow(badInput);
    expect(() => technician(relay, { invitation: { ticket: 'short', secret: 'x' } })).toThrow(badInput);
    expect(() => technician(relay, { relayUrl: 'ftp://relay.test' })).toThrow(badInput);
    t.session.fail(new TandemError('TANDEM_ERR_TIMEOUT', 'stopped'));
  });

  it('took every transition of its own (the moves into ended and failed are peer-session.test.ts\'s)', () => {
    expect(log.untaken(TECHNICIAN_TRANSITIONS, (_from, to) => to !== 'ended' && to !== 'failed')).toEqual([]);
  });
});
