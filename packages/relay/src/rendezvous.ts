import {
  LIMITS,
  TIMEOUTS,
  TandemError,
  encodeSignal,
  parseClientSignal,
  toTandemError,
  type ClientSignal,
  type EndReason,
  type RelaySignal,
  type TechnicianIdentity,
} from '@tandem/protocol';
import type { WebSocket, RawData } from 'ws';
import type { Accounts } from './accounts.js';
import type { AnsweringTechnician, InvitationRegistry, TicketHolder } from './invitations.js';
import { abortReason, type RelaySession, type SessionSide } from './relay-session.js';
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

const TRANSITIONS: Record<ConnectionState, readonly ConnectionState[]> = {
  opening: ['ready', 'claiming', 'holding', 'paired', 'closed'],
  ready: ['waiting', 'answering', 'closed'],
  waiting: ['paired', 'closed'],
  answering: ['paired', 'closed'],
  claiming: ['paired', 'closed'],
  holding: ['closed'],
  paired: ['closed'],
  closed: [],
};

/** What a connection needs from the relay. */
export interface RendezvousDeps {
  accounts: Accounts;
  registry: SessionRegistry;
  invitations: InvitationRegistry;
  /** Time allowed for the first signal, milliseconds. */
  firstMessageMs?: number;
}

/**
 * One WebSocket at RELAY_WS_PATH, as an explicit state machine: every
 * transition goes through {@link RendezvousConnection.#to}, every teardown
 * through {@link RendezvousConnection.fail}. Signals are handled one at a
 * time in arrival order.
 */
export class RendezvousConnection implements WaitingTechnician, AnsweringTechnician, TicketHolder, SessionSide {
  readonly address: string;
  readonly #ws: WebSocket;
  readonly #deps: RendezvousDeps;
  #state: ConnectionState = 'opening';
  #role: 'technician' | 'customer' | undefined;
  #technician: TechnicianIdentity | undefined;
  #nameplate: string | undefined;
  #attemptId: string | undefined;
  #session: RelaySession | undefined;
  #queue: Promise<void> = Promise.resolve();
  #firstMessageTimer: NodeJS.Timeout | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  #alive = true;
  #paused = false;
  readonly #onClosed: (conn: RendezvousConnection) => void;

  constructor(ws: WebSocket, address: string, deps: RendezvousDeps, onClosed: (conn: RendezvousConnection) => void) {
    this.#ws = ws;
    this.address = address;
    this.#deps = deps;
    this.#onClosed = onClosed;
    this.#firstMessageTimer = setTimeout(
      () => this.fail(new TandemError('TANDEM_ERR_TIMEOUT', 'No signal arrived in time after connecting.')),
      deps.firstMessageMs ?? TIMEOUTS.firstMessageMs,
    );
    ws.on('message', (data, isBinary) => this.#receive(data, isBinary));
    ws.on('pong', () => {
      this.#alive = true;
    });
    // A malformed or oversized frame: ws has already answered with close 1002 or 1009.
    ws.on('error', (err: Error & { code?: string }) => {
      const tooLarge = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
      this.fail(new TandemError(tooLarge ? 'TANDEM_ERR_MESSAGE_TOO_LARGE' : 'TANDEM_ERR_PROTOCOL', err.message), 'protocol-error');
    });
    ws.on('close', () => this.fail(undefined, 'network-lost'));
  }

  /** Current state (for tests and diagnostics). */
  get state(): ConnectionState {
    return this.#state;
  }

  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  get readingPaused(): boolean {
    return this.#paused;
  }

  pauseReading(): void {
    this.#paused = true;
    this.#ws.pause();
  }

  resumeReading(): void {
    this.#paused = false;
    this.#ws.resume();
  }

  sendBinary(data: Buffer, done: () => void): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return done();
    this.#ws.send(data, { binary: true }, () => done());
  }

  leave(reason: EndReason): void {
    this.#signal({ t: 'peer-left', reason });
    this.fail();
  }

  close(error?: TandemError): void {
    this.fail(error);
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
    if (!this.#alive) return false;
    this.#alive = false;
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.ping();
    return true;
  }

  /**
   * The one teardown, idempotent. Sends `error` (when given) and closes with
   * its close code, withdraws a waiting code or a pending invitation attempt,
   * drops the tickets of a holder, and ends the session (if any and not
   * ended yet) with `reason`, by default protocol-error when there is an
   * error and network-lost when there is none.
   */
  fail(error?: TandemError, reason?: EndReason): void {
    if (this.#state === 'closed') return;
    const previous = this.#state;
    this.#to('closed');
    clearTimeout(this.#firstMessageTimer);
    if (this.#ws.readyState === this.#ws.OPEN) {
      if (error) this.#signal({ t: 'error', code: error.code, message: error.message.slice(0, 900) });
      this.#ws.close(error ? error.closeCode : 1000, error ? error.code : 'bye');
      // A peer that never answers the close handshake is cut off (RFC 6455 §7.1.1 lets the server close TCP).
      this.#killTimer = setTimeout(() => this.#ws.terminate(), 2000);
      this.#killTimer.unref();
    } else if (this.#ws.readyState === this.#ws.CONNECTING) {
      this.#ws.terminate();
    }
    if (this.#paused) this.resumeReading();
    if (previous === 'waiting' && this.#nameplate !== undefined) this.#deps.registry.release(this.#nameplate);
    if (previous === 'answering' && this.#attemptId !== undefined) this.#deps.invitations.withdraw(this.#attemptId);
    if (previous === 'holding') this.#deps.invitations.releaseHolder(this);
    if (this.#session) this.#session.end(reason ?? (error ? 'protocol-error' : 'network-lost'), this);
    this.#onClosed(this);
  }

  #to(next: ConnectionState): void {
    if (!TRANSITIONS[this.#state].includes(next)) {
      throw new TandemError('TANDEM_ERR_INTERNAL', `connection: no transition ${this.#state} -> ${next}`);
    }
    this.#state = next;
  }

  #signal(message: RelaySignal): void {
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(encodeSignal(message));
  }

  #receive(data: RawData, isBinary: boolean): void {
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    // Binary frames of a live session skip the queue: nothing else is pending then.
    if (isBinary && this.#state === 'paired' && this.#session) {
      this.#session.forward(this, bytes);
      return;
    }
    this.#queue = this.#queue
      .then(() => this.#handle(bytes, isBinary))
      .catch((err: unknown) => this.fail(toTandemError(err)));
  }

  async #handle(bytes: Buffer, isBinary: boolean): Promise<void> {
    if (this.#state === 'closed') return;
    if (isBinary) {
      if (this.#state === 'paired' && this.#session) return this.#session.forward(this, bytes);
      throw new TandemError('TANDEM_ERR_PROTOCOL', 'Binary frames are only allowed once the session is paired.');
    }
    if (bytes.length > LIMITS.maxSignalBytes) throw new TandemError('TANDEM_ERR_MESSAGE_TOO_LARGE', `A signal is limited to ${LIMITS.maxSignalBytes} bytes.`);
    const signal = parseClientSignal(bytes.toString('utf8'));
    clearTimeout(this.#firstMessageTimer);
    switch (this.#state) {
      case 'opening':
        return this.#onOpening(signal);
      case 'ready':
        return this.#onReady(signal);
      case 'waiting':
        return this.#onWaiting(signal);
      case 'answering':
        return this.#onAnswering(signal);
      case 'holding':
        return this.#onHolding(signal);
      case 'paired':
        return this.#onPaired(signal);
      case 'claiming':
        throw unexpected(signal, 'while the claim is looked up');
    }
  }

  async #onOpening(signal: ClientSignal): Promise<void> {
    if (signal.t === 'auth') {
      const user = await this.#deps.accounts.authenticate(signal.token);
      if (this.#state !== 'opening') return;
      this.#role = 'technician';
      this.#technician = { username: user.username, displayName: user.displayName, team: user.team };
      this.#to('ready');
      this.#signal({ t: 'ready', technician: this.#technician });
      return;
    }
    if (signal.t === 'claim') {
      this.#role = 'customer';
      this.#nameplate = signal.nameplate;
      this.#to('claiming');
      const session = await this.#deps.registry.claim(this, signal.nameplate);
      if (this.#state !== 'claiming') return session.end('network-lost', this);
      return this.#pair(session);
    }
    if (signal.t === 'hold') {
      this.#deps.invitations.hold(this, signal.ticket);
      this.#to('holding');
      this.#signal({ t: 'holding', ticket: signal.ticket });
      return;
    }
    if (signal.t === 'join') {
      this.#role = 'customer';
      return this.#pair(this.#deps.invitations.join(this, signal.ticket, signal.attemptId));
    }
    throw unexpected(signal, 'as the first signal (expected auth, claim, hold or join)');
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
    this.#to('paired');
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
    this.#to('paired');
  }

  async #onReady(signal: ClientSignal): Promise<void> {
    if (signal.t === 'answer' && this.#technician) {
      this.#to('answering');
      const attemptId = await this.#deps.invitations.answer(this, {
        identity: this.#technician,
        ticket: signal.ticket,
        mode: signal.mode,
        caseNumber: signal.caseNumber || undefined,
      });
      // Closed meanwhile: fail() ran before the id was known, so withdraw here.
      if (this.#state !== 'answering') return this.#deps.invitations.withdraw(attemptId);
      this.#attemptId = attemptId;
      return;
    }
    if (signal.t !== 'allocate' || !this.#technician) throw unexpected(signal, 'before a code is allocated or an invitation answered');
    const { nameplate, expiresAt } = this.#deps.registry.allocate(this, this.#technician, signal.mode, signal.caseNumber || undefined);
    this.#nameplate = nameplate;
    this.#to('waiting');
    this.#signal({ t: 'allocated', nameplate, expiresAt, serverTime: Date.now() });
  }

  #onWaiting(signal: ClientSignal): void {
    if (signal.t === 'extend' && this.#nameplate !== undefined) {
      const expiresAt = this.#deps.registry.extend(this.#nameplate);
      this.#signal({ t: 'extended', expiresAt, serverTime: Date.now() });
      return;
    }
    if (signal.t === 'bye') return this.fail();
    throw unexpected(signal, 'while the code waits for a customer');
  }

  #onAnswering(signal: ClientSignal): void {
    if (signal.t === 'bye') return this.fail();
    throw unexpected(signal, "while the invitation waits for the customer's computer");
  }

  async #onHolding(signal: ClientSignal): Promise<void> {
    if (signal.t === 'hold') {
      this.#deps.invitations.hold(this, signal.ticket);
      this.#signal({ t: 'holding', ticket: signal.ticket });
      return;
    }
    if (signal.t === 'decline') return this.#deps.invitations.decline(this, signal);
    if (signal.t === 'bye') return this.fail();
    throw unexpected(signal, 'on a connection holding invitations');
  }

  #onPaired(signal: ClientSignal): void {
    const session = this.#session;
    if (!session) throw new TandemError('TANDEM_ERR_INTERNAL', 'paired without a session');
    const customer = this.#role === 'customer';
    switch (signal.t) {
      case 'bye':
        return session.end(customer ? 'customer-ended' : 'technician-ended', this);
      case 'confirmed':
        return session.confirm(this);
      case 'abort':
        return session.end(abortReason(signal.code), this);
      case 'extend':
        // The technician clicked "Extend" as the customer joined: the code is spent, nothing to do.
        if (!customer) return;
        break;
      case 'consent':
        if (customer) return session.consent(signal.customer, signal.mode);
        break;
      case 'mode':
        if (customer) return session.modeChanged(signal.mode);
        break;
      case 'refuse':
        if (customer) return session.end('refused', this);
        break;
      default:
        break;
    }
    throw unexpected(signal, `from the ${this.#role} of a live session`);
  }
}

function unexpected(signal: ClientSignal, when: string): TandemError {
  return new TandemError('TANDEM_ERR_PROTOCOL', `Signal "${signal.t}" is not allowed ${when}.`);
}
