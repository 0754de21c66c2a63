/**
 * RendezvousConnection over a socket in memory (the RendezvousSocket
 * interface, played here by an EventEmitter), with the relay's real
 * Accounts, SessionRegistry and InvitationRegistry over a real SQLite
 * database in a temporary folder: every transition and every failure path,
 * without a network. (packages/relay/test/ runs the same over real sockets
 * against the relay process.)
 *
 * States (CONNECTION_TRANSITIONS): opening, ready, waiting, answering,
 * claiming, holding, paired, closed; beside them the keep-alive
 * (KEEP_ALIVE_TRANSITIONS: answered, awaiting-pong) and reading
 * (READING_TRANSITIONS: flowing, paused).
 *
 * | transition               | test                                                                   |
 * | ------------------------ | ---------------------------------------------------------------------- |
 * | opening → ready          | "a code: ..."                                                          |
 * | opening → claiming       | "a code: ...", "bad input, timeouts ..." (an unknown code)             |
 * | opening → holding        | "an invitation: ..."                                                   |
 * | opening → paired         | "an invitation: ..." (join)                                            |
 * | opening → closed         | "bad input, timeouts ...", "what each state refuses ..."              |
 * | ready → waiting          | "a code: ..."                                                          |
 * | ready → answering        | "an invitation: ..."                                                   |
 * | ready → closed           | "what each state refuses ..."                                          |
 * | waiting → paired         | "a code: ..."                                                          |
 * | waiting → closed         | "a code that expires or is given up ..."                              |
 * | answering → paired       | "an invitation: ..."                                                   |
 * | answering → closed       | "an invitation: ..." (declined, withdrawn, holder gone, timed out)     |
 * | claiming → paired        | "a code: ..."                                                          |
 * | claiming → closed        | "bad input, timeouts ..." (unknown code; the socket goes meanwhile)    |
 * | holding → closed         | "an invitation: ...", "what each state refuses ..."                   |
 * | paired → closed          | "a code: ...", "an invitation: ...", "what each state refuses ..."    |
 * | answered ⇄ awaiting-pong | "keep-alive: ..."                                                      |
 * | flowing ⇄ paused         | "backpressure: ..."                                                    |
 *
 * The last test checks that the tests above took every transition of the three tables.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIMITS, TandemError } from '@tandem/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TransitionLog, until } from '@tandem/test-kit';
import { Accounts } from './accounts.js';
import { AuditLog } from './audit.js';
import { InvitationRegistry } from './invitations.js';
import { HIGH_WATER_BYTES, LOW_WATER_BYTES } from './relay-session.js';
import { CONNECTION_TRANSITIONS, KEEP_ALIVE_TRANSITIONS, READING_TRANSITIONS, RendezvousConnection, type RendezvousDeps } from './rendezvous.js';
import { SOCKET_STATE, type RendezvousSocket } from './rendezvous-socket.js';
import { SessionRegistry } from './session-registry.js';
import { openStorage, type Storage } from './storage.js';
import { TokenStore } from './tokens.js';

const log = new TransitionLog();
const TICKET = 'ticket-abcdefghijklmnopqrstuv';

/** A server-side WebSocket in memory: what the connection sends is recorded, what the peer does is played by the test. */
class MemoryWs extends EventEmitter implements RendezvousSocket {
  readyState: number = SOCKET_STATE.open;
  bufferedAmount = 0;
  readonly sent: { data: string | Buffer; binary: boolean }[] = [];
  pings = 0;
  paused = false;
  terminated = false;
  closedWith: { code: number; reason: string } | undefined;
  /** While true, send callbacks wait for {@link drain}, as a socket's whose peer does not read. */
  holdWrites = false;
  readonly #held: (() => void)[] = [];

  send(data: string | Buffer, options: { binary: boolean }, done?: (err?: Error) => void): void {
    this.sent.push({ data, binary: options.binary });
    if (done === undefined) return;
    if (this.holdWrites) this.#held.push(() => done());
    else setImmediate(() => done());
  }

  ping(): void {
    this.pings++;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
    this.readyState = SOCKET_STATE.closing;
  }

  terminate(): void {
    this.terminated = true;
    this.gone();
  }

  /** The peer's queue drained: the held writes complete. */
  drain(): void {
    this.holdWrites = false;
    this.bufferedAmount = 0;
    for (const done of this.#held.splice(0)) done();
  }

  /** Peer: a text signal (an object is sent as JSON). */
  text(signal: object | string): void {
    this.emit('message', Buffer.from(typeof signal === 'string' ? signal : JSON.stringify(signal), 'utf8'), false);
  }

  /** Peer: a binary frame. */
  binary(bytes: Uint8Array): void {
    this.emit('message', Buffer.from(bytes), true);
  }

  /** Peer: the connection is gone. */
  gone(): void {
    if (this.readyState === SOCKET_STATE.closed) return;
    this.readyState = SOCKET_STATE.closed;
    this.emit('close');
  }

  /** The signals the connection sent, parsed. */
  get signals(): ({ t: string } & Record<string, unknown>)[] {
    return this.sent.filter((s) => !s.binary).map((s) => JSON.parse(String(s.data)) as { t: string } & Record<string, unknown>);
  }

  /** The binary frames the connection sent. */
  get frames(): Buffer[] {
    return this.sent.flatMap((s) => (s.binary && Buffer.isBuffer(s.data) ? [s.data] : []));
  }
}

let dir: string;
let storage: Storage;
let audit: AuditLog;
let deps: RendezvousDeps;
let token: string;
const reports: string[] = [];
let nextAddress = 1;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tandem-rendezvous-'));
  storage = await openStorage({ dataDir: dir });
  audit = new AuditLog(storage);
  const tokens = new TokenStore(storage);
  const accounts = new Accounts({ storage, audit, tokens });
  await accounts.addUser({ username: 'alice', role: 'technician', displayName: 'Alice Tech', team: 'Desk 1' }, 'test');
  token = (await tokens.issue('alice')).token;
  deps = relayDeps({ accounts, codeLifetimeMs: 300_000, attemptTimeoutMs: 60_000 });
});

afterAll(async () => {
  deps.registry.stop();
  deps.invitations.stop();
  await audit.flush();
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.useRealTimers();
});

function relayDeps(options: { accounts: Accounts; codeLifetimeMs: number; attemptTimeoutMs: number; firstMessageMs?: number }): RendezvousDeps {
  const registry = new SessionRegistry({ audit, codeLifetimeMs: options.codeLifetimeMs, claimFailuresPerMinute: 30, claimFailuresPerMinuteTotal: 120, report: (line) => reports.push(line) });
  const invitations = new InvitationRegistry({ audit, sessions: registry, attemptTimeoutMs: options.attemptTimeoutMs, unknownTicketsPerMinute: 30 });
  return { accounts: options.accounts, registry, invitations, firstMessageMs: options.firstMessageMs ?? 10_000, onTransition: log.record };
}

interface Conn {
  ws: MemoryWs;
  conn: RendezvousConnection;
}

/** A connection from a fresh address (so no test meets another's rate limits). */
function connect(with_: RendezvousDeps = deps): Conn {
  const ws = new MemoryWs();
  const conn = new RendezvousConnection(ws, `10.0.0.${nextAddress++}`, with_, () => undefined);
  return { ws, conn };
}


const lastSignal = (c: Conn): ({ t: string } & Record<string, unknown>) | undefined => c.ws.signals[c.ws.signals.length - 1];

/** Waits until `c` is closed, and returns the error it was sent (if any) and its close. */
async function closed(c: Conn): Promise<{ error: Record<string, unknown> | undefined; close: { code: number; reason: string } | undefined }> {
  await until(() => c.conn.state === 'closed', 'the connection closed');
  return { error: c.ws.signals.find((s) => s.t === 'error'), close: c.ws.closedWith };
}

/** A technician signed in (ready). */
async function signedIn(with_: RendezvousDeps = deps): Promise<Conn> {
  const c = connect(with_);
  c.ws.text({ t: 'auth', token });
  await until(() => c.conn.state === 'ready', 'ready');
  return c;
}

/** A technician whose code waits, and the code's nameplate. */
async function waitingCode(with_: RendezvousDeps = deps): Promise<Conn & { nameplate: string }> {
  const c = await signedIn(with_);
  c.ws.text({ t: 'allocate', mode: 'view', caseNumber: 'C-7' });
  await until(() => c.conn.state === 'waiting', 'waiting');
  return { ...c, nameplate: String(lastSignal(c)?.nameplate) };
}

/** A paired code session: technician and customer, both told `paired`. */
async function pairedCode(): Promise<{ tech: Conn; customer: Conn; sessionId: string }> {
  const tech = await waitingCode();
  const customer = connect();
  customer.ws.text({ t: 'claim', nameplate: tech.nameplate });
  await until(() => customer.ws.signals.some((s) => s.t === 'paired') && tech.ws.signals.some((s) => s.t === 'paired'), 'paired');
  return { tech, customer, sessionId: String(customer.ws.signals.find((s) => s.t === 'paired')?.sessionId) };
}

/** A holder holding TICKET (plus a suffix to keep tests apart). */
async function holding(ticket: string): Promise<Conn> {
  const c = connect();
  c.ws.text({ t: 'hold', ticket });
  await until(() => c.conn.state === 'holding', 'holding');
  return c;
}

describe('rendezvous connection', () => {
  it('a code: the technician signs in, allocates and extends; the customer claims; both are told paired; frames pass; the customer ends', async () => {
    const tech = await waitingCode();
    expect(tech.ws.signals[0]).toEqual({ t: 'ready', technician: { username: 'alice', displayName: 'Alice Tech', team: 'Desk 1' } });
    const allocated = tech.ws.signals[1];
    expect(allocated).toMatchObject({ t: 'allocated', nameplate: expect.stringMatching(/^\d{3,}$/), expiresAt: expect.any(Number), serverTime: expect.any(Number) });
    tech.ws.text({ t: 'extend' });
    await until(() => lastSignal(tech)?.t === 'extended', 'extended');
    expect(Number(lastSignal(tech)?.expiresAt)).toBeGreaterThan(Number(allocated?.expiresAt));

    const customer = connect();
    customer.ws.text({ t: 'claim', nameplate: tech.nameplate });
    await until(() => customer.ws.signals.some((s) => s.t === 'paired'), 'paired');
    const paired = customer.ws.signals.find((s) => s.t === 'paired');
    expect(paired).toMatchObject({ t: 'paired', technician: { username: 'alice' }, mode: 'view', caseNumber: 'C-7' });
    expect(tech.ws.signals.find((s) => s.t === 'paired')).toEqual(paired);
    expect([tech.conn.state, customer.conn.state]).toEqual(['paired', 'paired']);

    // Frames pass verbatim both ways; the technician's late "Extend" is ignored.
    tech.ws.binary(Uint8Array.of(1, 2, 3));
    customer.ws.binary(Uint8Array.of(4));
    tech.ws.text({ t: 'extend' });
    await until(() => customer.ws.frames.length === 1 && tech.ws.frames.length === 1, 'the frames');
    expect([...(customer.ws.frames[0] ?? [])]).toEqual([1, 2, 3]);
    expect([...(tech.ws.frames[0] ?? [])]).toEqual([4]);

    // Confirmation from both, the customer's consent and a mode change, then the customer's bye.
    const sessionId = String(paired?.sessionId);
    tech.ws.text({ t: 'confirmed' });
    customer.ws.text({ t: 'confirmed' });
    customer.ws.text({ t: 'consent', customer: { name: 'Yamada Hanako', customerNumber: 'K-1', caseNumber: '' }, mode: 'chat' });
    customer.ws.text({ t: 'mode', mode: 'view' });
    await until(() => deps.registry.sessions.get(sessionId)?.state === 'started' && deps.registry.sessions.get(sessionId)?.confirmed === true, 'the session started and confirmed');
    customer.ws.text({ t: 'bye' });
    expect((await closed(customer)).close).toEqual({ code: 1000, reason: 'bye' });
    expect((await closed(tech)).close).toEqual({ code: 1000, reason: 'bye' });
    expect(tech.ws.signals.find((s) => s.t === 'peer-left')).toEqual({ t: 'peer-left', reason: 'customer-ended' });
    await audit.flush();
    const row = (await audit.listSessions()).find((s) => s.sessionId === sessionId);
    expect(row).toMatchObject({ customerName: 'Yamada Hanako', customerNumber: 'K-1', caseNumber: 'C-7', modeRequested: 'view', modeAtStart: 'chat', lastMode: 'view', endReason: 'customer-ended' });
  });

  it('a code that expires or is given up: the waiting technician is closed and the nameplate withdrawn', async () => {
    const short = relayDeps({ accounts: deps.accounts, codeLifetimeMs: 30, attemptTimeoutMs: 60_000 });
    const expiring = await waitingCode(short);
    const { error, close } = await closed(expiring);
    expect(error).toMatchObject({ t: 'error', code: 'TANDEM_ERR_CODE_EXPIRED' });
    expect(close).toEqual({ code: 4410, reason: 'TANDEM_ERR_CODE_EXPIRED' });

    const givenUp = await waitingCode();
    givenUp.ws.text({ t: 'bye' });
    expect((await closed(givenUp)).close).toEqual({ code: 1000, reason: 'bye' });
    const late = connect();
    late.ws.text({ t: 'claim', nameplate: givenUp.nameplate });
    expect((await closed(late)).error).toMatchObject({ code: 'TANDEM_ERR_CODE_UNKNOWN' });

    // The technician's connection drops while its code waits: withdrawn the same.
    const dropped = await waitingCode();
    dropped.ws.gone();
    await until(() => dropped.conn.state === 'closed', 'closed');
    const later = connect();
    later.ws.text({ t: 'claim', nameplate: dropped.nameplate });
    expect((await closed(later)).error).toMatchObject({ code: 'TANDEM_ERR_CODE_UNKNOWN' });
    short.registry.stop();
  });

  it('an invitation: the agent holds, the technician answers, the agent hears the attempt and joins; declined, withdrawn, gone and timed-out answers end', async () => {
    const ticket = `${TICKET}-1`;
    const holder = await holding(ticket);
    expect(lastSignal(holder)).toEqual({ t: 'holding', ticket });
    // Holding the same ticket again on the same connection is harmless.
    holder.ws.text({ t: 'hold', ticket });
    await until(() => holder.ws.signals.length === 2, 'holding again');
    expect(holder.conn.state).toBe('holding');

    const tech = await signedIn();
    tech.ws.text({ t: 'answer', ticket, mode: 'control', caseNumber: 'C-9' });
    await until(() => lastSignal(holder)?.t === 'attempt', 'the attempt');
    expect(tech.conn.state).toBe('answering');
    const attempt = lastSignal(holder);
    expect(attempt).toMatchObject({ t: 'attempt', technician: { username: 'alice' }, mode: 'control', caseNumber: 'C-9' });
    const agent = connect();
    agent.ws.text({ t: 'join', ticket, attemptId: attempt?.attemptId });
    await until(() => agent.ws.signals.some((s) => s.t === 'paired') && tech.ws.signals.some((s) => s.t === 'paired'), 'paired');
    expect([tech.conn.state, agent.conn.state, holder.conn.state]).toEqual(['paired', 'paired', 'holding']);
    tech.ws.text({ t: 'bye' });
    await closed(agent);
    expect(agent.ws.signals.find((s) => s.t === 'peer-left')).toEqual({ t: 'peer-left', reason: 'technician-ended' });

    // Declined by the agent: the technician gets the agent's error.
    const declined = await signedIn();
    declined.ws.text({ t: 'answer', ticket, mode: 'view' });
    await until(() => holder.ws.signals.filter((s) => s.t === 'attempt').length === 2, 'the second attempt');
    holder.ws.text({ t: 'decline', attemptId: lastSignal(holder)?.attemptId, code: 'TANDEM_ERR_INVITATION_EXPIRED', message: 'The invitation expired.' });
    expect((await closed(declined)).error).toMatchObject({ code: 'TANDEM_ERR_INVITATION_EXPIRED', message: 'The invitation expired.' });

    // Withdrawn: the technician leaves before the join; the join finds nothing.
    const withdrawn = await signedIn();
    withdrawn.ws.text({ t: 'answer', ticket, mode: 'view' });
    await until(() => holder.ws.signals.filter((s) => s.t === 'attempt').length === 3, 'the third attempt');
    withdrawn.ws.text({ t: 'bye' });
    await closed(withdrawn);
    const tooLate = connect();
    tooLate.ws.text({ t: 'join', ticket, attemptId: lastSignal(holder)?.attemptId });
    expect((await closed(tooLate)).error).toMatchObject({ code: 'TANDEM_ERR_NOT_FOUND' });

    // The holder goes while a technician answers: the technician is told; the ticket is gone.
    const waiting = await signedIn();
    waiting.ws.text({ t: 'answer', ticket, mode: 'view' });
    await until(() => holder.ws.signals.filter((s) => s.t === 'attempt').length === 4, 'the fourth attempt');
    holder.ws.text({ t: 'bye' });
    await closed(holder);
    expect((await closed(waiting)).error).toMatchObject({ code: 'TANDEM_ERR_PEER_LOST' });
    const unknown = await signedIn();
    unknown.ws.text({ t: 'answer', ticket, mode: 'view' });
    expect((await closed(unknown)).error).toMatchObject({ code: 'TANDEM_ERR_INVITATION_EXPIRED' });

    // Nobody joins in time.
    const quick = relayDeps({ accounts: deps.accounts, codeLifetimeMs: 300_000, attemptTimeoutMs: 30 });
    const slowHolder = connect(quick);
    slowHolder.ws.text({ t: 'hold', ticket: `${TICKET}-2` });
    await until(() => slowHolder.conn.state === 'holding', 'holding');
    const patient = await signedIn(quick);
    patient.ws.text({ t: 'answer', ticket: `${TICKET}-2`, mode: 'view' });
    expect((await closed(patient)).error).toMatchObject({ code: 'TANDEM_ERR_TIMEOUT' });
    slowHolder.ws.gone();
    quick.invitations.stop();
  });

  it("what each state refuses is the peer's TANDEM_ERR_PROTOCOL, named with the state", async () => {
    const protocolError = (state: string): object => ({ t: 'error', code: 'TANDEM_ERR_PROTOCOL', message: expect.stringContaining(`not valid in state ${state}`) });
    const opening = connect();
    opening.ws.text({ t: 'allocate', mode: 'chat' });
    expect((await closed(opening)).error).toEqual(protocolError('opening'));
    const binaryFirst = connect();
    binaryFirst.ws.binary(Uint8Array.of(1));
    expect(await closed(binaryFirst)).toEqual({ error: protocolError('opening'), close: { code: 4002, reason: 'TANDEM_ERR_PROTOCOL' } });

    const ready = await signedIn();
    ready.ws.text({ t: 'bye' });
    expect((await closed(ready)).error).toEqual(protocolError('ready'));
    const waiting = await waitingCode();
    waiting.ws.text({ t: 'allocate', mode: 'chat' });
    expect((await closed(waiting)).error).toEqual(protocolError('waiting'));
    const holder = await holding(`${TICKET}-3`);
    holder.ws.text({ t: 'claim', nameplate: '123' });
    expect((await closed(holder)).error).toEqual(protocolError('holding'));
    const holderDecline = await holding(`${TICKET}-4`);
    holderDecline.ws.text({ t: 'auth', token });
    expect((await closed(holderDecline)).error).toEqual(protocolError('holding'));

    const answerer = await holding(`${TICKET}-5`);
    const answering = await signedIn();
    answering.ws.text({ t: 'answer', ticket: `${TICKET}-5`, mode: 'view' });
    await until(() => answering.conn.state === 'answering', 'answering');
    answering.ws.text({ t: 'extend' });
    expect((await closed(answering)).error).toEqual(protocolError('answering'));
    answerer.ws.gone();

    // In a live session: what only the customer may say, from the technician; what only the technician may, from the customer.
    const a = await pairedCode();
    a.tech.ws.text({ t: 'consent', customer: { name: 'x', customerNumber: '', caseNumber: '' }, mode: 'control' });
    expect((await closed(a.tech)).error).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(/"consent" is not allowed from the technician/) });
    await closed(a.customer);
    expect(a.customer.ws.signals.find((s) => s.t === 'peer-left')).toEqual({ t: 'peer-left', reason: 'protocol-error' });
    const b = await pairedCode();
    b.customer.ws.text({ t: 'extend' });
    expect((await closed(b.customer)).error).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(/"extend" is not allowed from the customer/) });
    // The relay session's own checks: a second "confirmed", a second consent, a mode before consent.
    const c = await pairedCode();
    c.customer.ws.text({ t: 'confirmed' });
    c.customer.ws.text({ t: 'confirmed' });
    expect((await closed(c.customer)).error).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(/already confirmed/) });
    const d = await pairedCode();
    const consent = { t: 'consent', customer: { name: 'x', customerNumber: '', caseNumber: '' }, mode: 'chat' };
    d.customer.ws.text(consent);
    d.customer.ws.text(consent);
    expect((await closed(d.customer)).error).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(/consent \(the session already started\) is not valid in state started/) });
    const e = await pairedCode();
    e.customer.ws.text({ t: 'mode', mode: 'view' });
    expect((await closed(e.customer)).error).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(/mode \(the session has not started\) is not valid in state paired/) });
    const f = await pairedCode();
    f.tech.ws.text({ t: 'claim', nameplate: '123' });
    expect((await closed(f.tech)).error).toEqual(protocolError('paired'));
    // The customer's refusal and an abort end the session with their reasons.
    const g = await pairedCode();
    g.customer.ws.text({ t: 'refuse' });
    await closed(g.tech);
    expect(g.tech.ws.signals.find((s) => s.t === 'peer-left')).toEqual({ t: 'peer-left', reason: 'refused' });
    const h = await pairedCode();
    h.tech.ws.text({ t: 'abort', code: 'TANDEM_ERR_WRONG_CODE' });
    await closed(h.customer);
    expect(h.customer.ws.signals.find((s) => s.t === 'peer-left')).toEqual({ t: 'peer-left', reason: 'wrong-code' });
  });

  it("bad input, timeouts and the socket's own end: each closes the connection with a clear error", async () => {
    const quick = relayDeps({ accounts: deps.accounts, codeLifetimeMs: 300_000, attemptTimeoutMs: 60_000, firstMessageMs: 20 });
    const silent = connect(quick);
    expect(await closed(silent)).toEqual({ error: expect.objectContaining({ code: 'TANDEM_ERR_TIMEOUT' }), close: { code: 4408, reason: 'TANDEM_ERR_TIMEOUT' } });

    const badToken = connect();
    badToken.ws.text({ t: 'auth', token: 'not-a-token' });
    expect(await closed(badToken)).toMatchObject({ error: { code: 'TANDEM_ERR_UNAUTHORIZED' }, close: { code: 4401 } });
    const huge = connect();
    huge.ws.text({ t: 'claim', nameplate: '1'.repeat(LIMITS.maxSignalBytes) });
    expect((await closed(huge)).error).toMatchObject({ code: 'TANDEM_ERR_MESSAGE_TOO_LARGE' });
    const garbage = connect();
    garbage.ws.text('{"t":');
    expect((await closed(garbage)).error).toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT' });
    const tooLong = connect();
    tooLong.ws.emit('error', Object.assign(new Error('Max payload size exceeded'), { code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' }));
    expect((await closed(tooLong)).error).toMatchObject({ code: 'TANDEM_ERR_MESSAGE_TOO_LARGE' });
    const badFrame = connect();
    badFrame.ws.emit('error', new Error('Invalid WebSocket frame: RSV1 must be clear'));
    expect((await closed(badFrame)).error).toMatchObject({ code: 'TANDEM_ERR_PROTOCOL', message: 'Invalid WebSocket frame: RSV1 must be clear' });

    // An unknown code: claiming until the failed claim is recorded, then closed.
    const unknown = connect();
    unknown.ws.text({ t: 'claim', nameplate: '99999' });
    expect((await closed(unknown)).error).toMatchObject({ code: 'TANDEM_ERR_CODE_UNKNOWN' });
    // The socket goes while the claim is looked up: the session the claim made ends at once, the technician is told.
    const tech = await waitingCode();
    const leaving: { ws?: MemoryWs } = {};
    const goneWhileClaiming: RendezvousDeps = {
      ...deps,
      onTransition: (from, to) => {
        log.record(from, to);
        if (to === 'claiming') leaving.ws?.gone();
      },
    };
    const customer = connect(goneWhileClaiming);
    leaving.ws = customer.ws;
    customer.ws.text({ t: 'claim', nameplate: tech.nameplate });
    await closed(tech);
    expect(tech.ws.signals.find((s) => s.t === 'peer-left')).toEqual({ t: 'peer-left', reason: 'network-lost' });
    expect([customer.conn.state, customer.ws.signals]).toEqual(['closed', []]);
    // The socket goes while the token is checked: no "ready" for a closed connection.
    const vanishing = connect();
    vanishing.ws.text({ t: 'auth', token });
    vanishing.ws.gone();
    await new Promise((r) => setTimeout(r, 50));
    expect([vanishing.conn.state, vanishing.ws.signals]).toEqual(['closed', []]);
    // A holder whose ticket another connection holds.
    const first = await holding(`${TICKET}-6`);
    const thief = connect();
    thief.ws.text({ t: 'hold', ticket: `${TICKET}-6` });
    expect((await closed(thief)).error).toMatchObject({ code: 'TANDEM_ERR_CONFLICT' });
    first.ws.gone();
    await until(() => first.conn.state === 'closed', 'closed');
  });

  it('a peer that never answers the close handshake is cut off', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const c = connect();
    c.conn.fail(new TandemError('TANDEM_ERR_SHUTTING_DOWN'), 'relay-shutdown');
    expect(c.ws.closedWith).toEqual({ code: 1001, reason: 'TANDEM_ERR_SHUTTING_DOWN' });
    expect(c.ws.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(2000);
    expect(c.ws.terminated).toBe(true);
  });

  it('keep-alive: a ping owes a pong; a second ping without one says the connection is dead; an unsolicited pong is allowed', () => {
    const c = connect();
    c.ws.emit('pong');
    expect(c.conn.ping()).toBe(true);
    expect(c.ws.pings).toBe(1);
    expect(c.conn.ping()).toBe(false);
    expect(c.ws.pings).toBe(1);
    c.ws.emit('pong');
    expect(c.conn.ping()).toBe(true);
    expect(c.ws.pings).toBe(2);
    c.conn.close();
  });

  it('backpressure: the sender stops being read while the receiver is backed up, and reads again once it drained', async () => {
    const { tech, customer } = await pairedCode();
    customer.ws.holdWrites = true;
    customer.ws.bufferedAmount = HIGH_WATER_BYTES + 1;
    tech.ws.binary(Uint8Array.of(1));
    expect([tech.conn.readingPaused, tech.ws.paused]).toEqual([true, true]);
    // Another frame while paused (it was already on its way): still forwarded, still paused.
    tech.ws.binary(Uint8Array.of(2));
    expect(customer.ws.frames.length).toBe(2);
    customer.ws.bufferedAmount = LOW_WATER_BYTES + 1;
    customer.ws.drain();
    expect([tech.conn.readingPaused, tech.ws.paused]).toEqual([false, false]);
    // Paused again, then torn down: teardown reads again (nothing is left paused).
    customer.ws.holdWrites = true;
    customer.ws.bufferedAmount = HIGH_WATER_BYTES + 1;
    tech.ws.binary(Uint8Array.of(3));
    expect(tech.conn.readingPaused).toBe(true);
    tech.ws.gone();
    expect([tech.conn.state, tech.conn.readingPaused, tech.ws.paused]).toEqual(['closed', false, false]);
    await closed(customer);
    expect(customer.ws.signals.find((s) => s.t === 'peer-left')).toEqual({ t: 'peer-left', reason: 'network-lost' });
  });

  it('took every transition of its three tables', () => {
    expect(log.untaken(CONNECTION_TRANSITIONS)).toEqual([]);
    expect(log.untaken(KEEP_ALIVE_TRANSITIONS)).toEqual([]);
    expect(log.untaken(READING_TRANSITIONS)).toEqual([]);
  });
});
