import {
  LIMITS,
  StateMachine,
  TIMEOUTS,
  TandemError,
  encodeSignal,
  parseClientSignal,
  toTandemError,
  type ClientSignal,
  type EndReason,
  type RelaySignal,
  type TechnicianIdentity,
  type Transitions,
} from '@tandem/protocol';
import type { RawData } from 'ws';
import type { Accounts } from './accounts.js';
import type { AnsweringTechnician, InvitationRegistry, TicketHolder } from './invitations.js';
import { abortReason, type RelaySession, type SessionSide } from './relay-session.js';
import { SOCKET_STATE, type RendezvousSocket } from './rendezvous-socket.js';
import type { SessionRegistry, WaitingTechnician } from './session-registry.js';

/**
 * States of one rendezvous connection:
 * - `opening`: waiting for the first signal (`auth`, `claim`, `hold` or `join`);
 * - `ready`: a signed-in technician, no code or invitation yet;
 * - `waiting`: a technician whose code waits for a claim;
 * - `answering`: a technician whose invitation attempt waits for the customer's agent to join;
 * - `claiming`: a customer whose claim is being looked up;
 * - `holding`: the customer's agent holding invitation tickets (never paired itself);
 * - `paired`: either side of a live session, frames are forwarded (a `join` pairs at once);
 * - `closed`: torn down (terminal).
 */
export type ConnectionState = 'opening' | 'ready' | 'waiting' | 'answering' | 'claiming' | 'holding' | 'paired' | 'closed';

/** The moves of a connection's {@link ConnectionState}. */
export const CONNECTION_TRANSITIONS: Transitions<ConnectionState> = {
  opening: ['ready', 'claiming', 'holding', 'paired', 'closed'],
  ready: ['waiting', 'answering', 'closed'],
  waiting: ['paired', 'closed'],
  answering: ['paired', 'closed'],
  claiming: ['paired', 'closed'],
  holding: ['closed'],
  paired: ['closed'],
  closed: [],
};

/**
 * The keep-alive (RFC 6455 §5.5.2-5.5.3), beside the connection's state:
 * `answered` until the relay pings, `awaiting-pong` until the pong comes. A
 * ping finding the last one unanswered ends the connection (server.ts).
 */
export type KeepAliveState = 'answered' | 'awaiting-pong';

/** The moves of the keep-alive. */
export const KEEP_ALIVE_TRANSITIONS: Transitions<KeepAliveState> = {
  answered: ['awaiting-pong'],
  'awaiting-pong': ['answered'],
};

/** Reading from the peer, beside the connection's state: `paused` while its session's other side is backed up. */
export type ReadingState = 'flowing' | 'paused';

/** The moves of reading. */
export const READING_TRANSITIONS: Transitions<ReadingState> = {
  flowing: ['paused'],
  paused: ['flowing'],
};

/** What a connection needs from the relay. */
export interface RendezvousDeps {
  accounts: Accounts;
  registry: SessionRegistry;
  invitations: InvitationRegistry;
  /** Time allowed for the first signal, milliseconds. */
  firstMessageMs?: number;
  /**
   * Hears every move of each connection's three machines (their states have
   * distinct names): for diagnostics, and for the tests that check every
   * transition is taken.
   */
  onTransition?: (from: ConnectionState | KeepAliveState | ReadingState, to: ConnectionState | KeepAliveState | ReadingState) => void;
}

/**
 * One WebSocket at RELAY_WS_PATH, as an explicit state machine (protocol's
 * StateMachine, {@link CONNECTION_TRANSITIONS}), with the keep-alive and the
 * reading flow as two small machines beside it. Every signal is checked
 * against the state with `expect()`: a signal the state does not allow is the
 * peer's TANDEM_ERR_PROTOCOL. Every teardown goes through one method
 * ({@link RendezvousConnection.fail} with an error, {@link
 * RendezvousConnection.close} without). Signals are handled one at a time in
 * arrival order.
 */
export class RendezvousConnection implements WaitingTechnician, AnsweringTechnician, TicketHolder, SessionSide {
  readonly address: string;
  readonly #ws: RendezvousSocket;
  readonly #deps: RendezvousDeps;
  readonly #machine: StateMachine<ConnectionState>;
  readonly #keepAlive: StateMachine<KeepAliveState>;
  readonly #reading: StateMachine<ReadingState>;
  #role: 'technician' | 'customer' | undefined;
  #technician: TechnicianIdentity | undefined;
  /** The technician's bearer token, checked again before each new code or invitation answer. */
  #token: string | undefined;
  #nameplate: string | undefined;
  #attemptId: string | undefined;
  #session: RelaySession | undefined;
  #queue: Promise<void> = Promise.resolve();
  #firstMessageTimer: NodeJS.Timeout | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  readonly #onClosed: (conn: RendezvousConnection) => void;

  constructor(ws: RendezvousSocket, address: string, deps: RendezvousDeps, onClosed: (conn: RendezvousConnection) => void) {
    this.#ws = ws;
    this.address = address;
    this.#deps = deps;
    this.#onClosed = onClosed;
    const onTransition = deps.onTransition;
    this.#machine = new StateMachine({ name: 'rendezvous connection', initial: 'opening', transitions: CONNECTION_TRANSITIONS, onTransition });
    this.#keepAlive = new StateMachine({ name: 'keep-alive', initial: 'answered', transitions: KEEP_ALIVE_TRANSITIONS, onTransition });
    this.#reading = new StateMachine({ name: 'reading', initial: 'flowing', transitions: READING_TRANSITIONS, onTransition });
    this.#firstMessageTimer = setTimeout(
      () => this.fail(new TandemError('TANDEM_ERR_TIMEOUT', 'No signal arrived in time after connecting.')),
      deps.firstMessageMs ?? TIMEOUTS.firstMessageMs,
    );
    ws.on('message', (data, isBinary) => this.#receive(data, isBinary));
    // An unsolicited pong is allowed (RFC 6455 §5.5.3) and changes nothing.
    ws.on('pong', () => {
      if (this.#keepAlive.is('awaiting-pong')) this.#keepAlive.to('answered');
    });
    // A malformed or oversized frame: the socket has already answered with close 1002 or 1009.
    ws.on('error', (err) => {
      const tooLarge = 'code' in err && err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
      this.fail(new TandemError(tooLarge ? 'TANDEM_ERR_MESSAGE_TOO_LARGE' : 'TANDEM_ERR_PROTOCOL', err.message), 'protocol-error');
    });
    ws.on('close', () => this.#end(undefined, 'network-lost'));
  }

  /** Current state (for tests and diagnostics). */
  get state(): ConnectionState {
    return this.#machine.state;
  }

  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  get readingPaused(): boolean {
    return this.#reading.is('paused');
  }

  pauseReading(): void {
    if (this.#reading.is('paused')) return;
    this.#reading.to('paused');
    this.#ws.pause();
  }

  resumeReading(): void {
    if (this.#reading.is('flowing')) return;
    this.#reading.to('flowing');
    this.#ws.resume();
  }

  sendBinary(data: Buffer, done: () => void): void {
    if (this.#ws.readyState !== SOCKET_STATE.open) return done();
    this.#ws.send(data, { binary: true }, () => done());
  }

  leave(reason: EndReason): void {
    this.#signal({ t: 'peer-left', reason });
    this.close();
  }

  /** Closes normally (close code 1000), ending its session as network-lost if it has one. */
  close(): void {
    this.#end(undefined, undefined);
  }

  codeExpired(): void {
    this.fail(new TandemError('TANDEM_ERR_CODE_EXPIRED', 'The session code expired before a customer joined.'));
  }

  attemptFailed(error: TandemError): void {
    this.fail(error);
  }

  attempt(signal: Extract<RelaySignal, { t: 'attempt' }>): void {
    this.#signal(signal);
  }

  /** Keep-alive: false when the last ping went unanswered (the caller then ends the connection). */
  ping(): boolean {
    if (this.#keepAlive.is('awaiting-pong')) return false;
    this.#keepAlive.to('awaiting-pong');
    if (this.#ws.readyState === SOCKET_STATE.open) this.#ws.ping();
    return true;
  }

  /**
   * Tears the connection down with `error`: sends it and closes with its
   * close code; ends the session (if any) with `reason`, by default
   * protocol-error. See {@link #end}.
   */
  fail(error: TandemError, reason?: EndReason): void {
    this.#end(error, reason);
  }

  /**
   * The one teardown, idempotent. Sends `error` (when given) and closes with
   * its close code, withdraws a waiting code or a pending invitation attempt,
   * drops the tickets of a holder, and ends the session (if any and not
   * ended yet) with `reason`, by default protocol-error when there is an
   * error and network-lost when there is none.
   */
  #end(error: TandemError | undefined, reason: EndReason | undefined): void {
    if (this.#machine.is('closed')) return;
    const previous = this.#machine.state;
    this.#machine.to('closed');
    clearTimeout(this.#firstMessageTimer);
    if (this.#ws.readyState === SOCKET_STATE.open) {
      if (error) this.#signal({ t: 'error', code: error.code, message: error.message.slice(0, 900) });
      this.#ws.close(error ? error.closeCode : 1000, error ? error.code : 'bye');
      // A peer that never answers the close handshake is cut off (RFC 6455 §7.1.1 lets the server close TCP).
      this.#killTimer = setTimeout(() => this.#ws.terminate(), 2000);
      this.#killTimer.unref();
    } else if (this.#ws.readyState === SOCKET_STATE.connecting) {
      this.#ws.terminate();
    }
    this.resumeReading();
    if (previous === 'waiting' && this.#nameplate !== undefined) this.#deps.registry.release(this.#nameplate);
    if (previous === 'answering' && this.#attemptId !== undefined) this.#deps.invitations.withdraw(this.#attemptId);
    if (previous === 'holding') this.#deps.invitations.releaseHolder(this);
    if (this.#session) this.#session.end(reason ?? (error ? 'protocol-error' : 'network-lost'), this);
    this.#onClosed(this);
  }

  #signal(message: RelaySignal): void {
    if (this.#ws.readyState === SOCKET_STATE.open) this.#ws.send(encodeSignal(message), { binary: false });
  }

  #receive(data: RawData, isBinary: boolean): void {
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    // Binary frames of a live session skip the queue: nothing else is pending then.
    if (isBinary && this.#machine.is('paired') && this.#session) {
      this.#session.forward(this, bytes);
      return;
    }
    this.#queue = this.#queue
      .then(() => this.#handle(bytes, isBinary))
      .catch((err: unknown) => this.fail(toTandemError(err)));
  }

  /**
   * One message from the peer, in its turn. Each signal names the states
   * that accept it (`expect()`): anything else is the peer's
   * TANDEM_ERR_PROTOCOL, never ours.
   */
  async #handle(bytes: Buffer, isBinary: boolean): Promise<void> {
    if (this.#machine.is('closed')) return;
    if (isBinary) {
      this.#machine.expect(['paired'], 'a binary frame (they are only allowed once the session is paired)');
      return this.#session?.forward(this, bytes);
    }
    if (bytes.length > LIMITS.maxSignalBytes) throw new TandemError('TANDEM_ERR_MESSAGE_TOO_LARGE', `A signal is limited to ${LIMITS.maxSignalBytes} bytes.`);
    const signal = parseClientSignal(bytes.toString('utf8'));
    clearTimeout(this.#firstMessageTimer);
    const expect = (states: readonly ConnectionState[]): void => this.#machine.expect(states, `signal "${signal.t}"`);
    switch (signal.t) {
      case 'auth':
        expect(['opening']);
        return this.#onAuth(signal.token);
      case 'claim':
        expect(['opening']);
        return this.#onClaim(signal.nameplate);
      case 'join':
        expect(['opening']);
        this.#role = 'customer';
        return this.#pair(this.#deps.invitations.join(this, signal.ticket, signal.attemptId));
      case 'hold':
        expect(['opening', 'holding']);
        this.#deps.invitations.hold(this, signal.ticket);
        if (this.#machine.is('opening')) this.#machine.to('holding');
        this.#signal({ t: 'holding', ticket: signal.ticket });
        return;
      case 'decline':
        expect(['holding']);
        return this.#deps.invitations.decline(this, signal);
      case 'allocate':
        expect(['ready']);
        return this.#onAllocate(signal);
      case 'answer':
        expect(['ready']);
        return this.#onAnswer(signal);
      case 'extend':
        expect(['waiting', 'paired']);
        return this.#onExtend();
      case 'bye':
        expect(['waiting', 'answering', 'holding', 'paired']);
        if (this.#session) return this.#session.end(this.#role === 'customer' ? 'customer-ended' : 'technician-ended', this);
        return this.close();
      case 'confirmed':
        expect(['paired']);
        return this.#liveSession().confirm(this);
      case 'abort':
        expect(['paired']);
        return this.#liveSession().end(abortReason(signal.code), this);
      case 'consent':
        expect(['paired']);
        this.#expectCustomer(signal);
        return this.#liveSession().consent(signal.customer, signal.mode);
      case 'mode':
        expect(['paired']);
        this.#expectCustomer(signal);
        return this.#liveSession().modeChanged(signal.mode);
      case 'refuse':
        expect(['paired']);
        this.#expectCustomer(signal);
        return this.#liveSession().end('refused', this);
    }
  }

  async #onAuth(token: string): Promise<void> {
    const user = await this.#deps.accounts.authenticate(token);
    // Closed while the token was checked: nothing to sign in.
    if (!this.#machine.is('opening')) return;
    this.#role = 'technician';
    this.#token = token;
    this.#technician = { username: user.username, displayName: user.displayName, team: user.team };
    this.#machine.to('ready');
    this.#signal({ t: 'ready', technician: this.#technician });
  }

  async #onClaim(nameplate: string): Promise<void> {
    this.#role = 'customer';
    this.#nameplate = nameplate;
    this.#machine.to('claiming');
    const session = await this.#deps.registry.claim(this, nameplate);
    // Closed while the claim was looked up: the session it made ends at once.
    if (!this.#machine.is('claiming')) return session.end('network-lost', this);
    return this.#pair(session);
  }

  /**
   * This customer connection and the session's technician become `paired`
   * (the registry paired them synchronously), then both are told, so that
   * neither can speak before both are in `paired`. They are told only once
   * the session's audit row is committed: a session the relay cannot record
   * does not start (it has then been ended with TANDEM_ERR_INTERNAL).
   */
  async #pair(session: RelaySession): Promise<void> {
    this.#session = session;
    this.#machine.to('paired');
    const technician = session.technician as RendezvousConnection;
    technician.#paired(session);
    try {
      await session.recorded;
    } catch (err) {
      // RelaySession ended itself on the failed write and told both sides why.
      void err;
      return;
    }
    if (session.ended) return;
    const paired: RelaySignal = {
      t: 'paired',
      sessionId: session.id,
      technician: session.info.identity,
      mode: session.info.mode,
      ...(session.info.caseNumber !== undefined ? { caseNumber: session.info.caseNumber } : {}),
    };
    technician.#signal(paired);
    this.#signal(paired);
  }

  #paired(session: RelaySession): void {
    this.#session = session;
    this.#machine.to('paired');
  }

  /**
   * Checks the technician's sign-in again: an account disabled, deleted,
   * reset or revoked since this connection signed in gets no new code and
   * answers no invitation (TANDEM_ERR_UNAUTHORIZED ends the connection).
   * False when the connection left `ready` during the check.
   */
  async #stillSignedIn(): Promise<boolean> {
    await this.#deps.accounts.authenticate(this.#token);
    return this.#machine.is('ready');
  }

  async #onAnswer(signal: Extract<ClientSignal, { t: 'answer' }>): Promise<void> {
    if (!(await this.#stillSignedIn())) return;
    const technician = this.#signedIn();
    this.#machine.to('answering');
    const attemptId = await this.#deps.invitations.answer(this, {
      identity: technician,
      ticket: signal.ticket,
      mode: signal.mode,
      caseNumber: signal.caseNumber || undefined,
    });
    // Closed meanwhile: the teardown ran before the id was known, so withdraw here.
    if (!this.#machine.is('answering')) return this.#deps.invitations.withdraw(attemptId);
    this.#attemptId = attemptId;
  }

  async #onAllocate(signal: Extract<ClientSignal, { t: 'allocate' }>): Promise<void> {
    if (!(await this.#stillSignedIn())) return;
    const { nameplate, expiresAt } = this.#deps.registry.allocate(this, this.#signedIn(), signal.mode, signal.caseNumber || undefined);
    this.#nameplate = nameplate;
    this.#machine.to('waiting');
    this.#signal({ t: 'allocated', nameplate, expiresAt, serverTime: Date.now() });
  }

  #onExtend(): void {
    if (this.#machine.is('paired')) {
      // The technician clicked "Extend" as the customer joined: the code is spent, nothing to do.
      if (this.#role === 'technician') return;
      throw new TandemError('TANDEM_ERR_PROTOCOL', 'Signal "extend" is not allowed from the customer of a live session.');
    }
    const nameplate = this.#nameplate;
    if (nameplate === undefined) throw new TandemError('TANDEM_ERR_INTERNAL', 'rendezvous connection: waiting without a nameplate');
    const expiresAt = this.#deps.registry.extend(nameplate);
    this.#signal({ t: 'extended', expiresAt, serverTime: Date.now() });
  }

  /** The signed-in technician (`ready` is entered only with one). */
  #signedIn(): TechnicianIdentity {
    if (this.#technician === undefined) throw new TandemError('TANDEM_ERR_INTERNAL', 'rendezvous connection: ready without a technician');
    return this.#technician;
  }

  /** The session of a `paired` connection. */
  #liveSession(): RelaySession {
    if (this.#session === undefined) throw new TandemError('TANDEM_ERR_INTERNAL', 'rendezvous connection: paired without a session');
    return this.#session;
  }

  /** Consent, mode and refusal are the customer's word only. */
  #expectCustomer(signal: ClientSignal): void {
    if (this.#role !== 'customer') throw new TandemError('TANDEM_ERR_PROTOCOL', `Signal "${signal.t}" is not allowed from the ${this.#role ?? 'unknown side'} of a live session.`);
  }
}
