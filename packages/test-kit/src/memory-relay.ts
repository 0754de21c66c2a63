/**
 * A relay in this process, for unit tests of the session state machines
 * without a network (TechnicianSession, CustomerSession, the agent's
 * JoinController, the technician's driver and invitation dialer): it hands
 * out in-memory WebSocketLike pairs (a {@link WebSocketFactory}) and does the
 * little of the rendezvous the sessions need (docs/protocol.md, "Signals"):
 * `auth` → `ready`, `allocate` → `allocated`, `extend` → `extended`, `claim`
 * → `paired` (a claim consumes the nameplate), invitation `answer` → `join`
 * → `paired`, blind forwarding of binary frames, and `peer-left` on `bye`,
 * `abort`, `refuse` or a closed socket. Both ends are the real protocol
 * sessions, so the handshake and the records are the real ones. Delivery is
 * asynchronous and in order, one timer turn per hop ({@link later}), as a
 * socket's: a session's asynchronous record layer runs between frames.
 *
 * It also plays a hostile relay: drop or hold a side's binary frames
 * ({@link MemoryRelayOptions.onFrame}, {@link MemoryRelay.release}), send
 * signals of its own ({@link MemoryRelay.signal}), close a side
 * ({@link MemoryRelay.drop}), hang ({@link MemoryRelayOptions.silent}) or be
 * unreachable. Integration tests use the real relay process; this stands in
 * only where a test drives the state machines directly.
 */
import {
  CustomerSession,
  encodeSignal,
  parseClientSignal,
  toTandemError,
  type ClientSignal,
  type EndReason,
  type Mode,
  type RelaySignal,
  type TandemErrorCode,
  type TechnicianIdentity,
  type WebSocketFactory,
  type WebSocketLike,
} from '@tandem/protocol';
import { nodeAeadProvider } from '@tandem/node-client';

/** The relay origin both sides use (CPace binds it). */
export const MEMORY_RELAY_URL = 'https://relay.test';
/** The token the stand-in accepts. */
export const GOOD_TOKEN = 'good-token-for-the-memory-relay';
/** Who the stand-in vouches the technician is. */
export const TECHNICIAN: TechnicianIdentity = { username: 'tanaka', displayName: 'Tanaka Ichiro', team: 'Helpdesk' };

/** What this socket's listeners receive: `data` for messages, `code` and `reason` for close. */
type SocketEvent = { data?: unknown; code?: number; reason?: string };
type Listener = (event: SocketEvent) => void;
type EventName = 'open' | 'close' | 'error' | 'message';

const CONNECTING = 0, OPEN = 1, CLOSED = 3;

/**
 * Runs `fn` on a later turn. Every hop (client to relay, relay to client,
 * open, close) goes through here, so that they keep their order (timers of
 * the same delay run in the order they were set).
 */
function later(fn: () => void): void {
  setTimeout(fn, 0);
}

/** One end of an in-memory WebSocket: the client holds it, the relay stand-in answers on it. */
export class MemorySocket implements WebSocketLike {
  binaryType = 'arraybuffer';
  readyState = CONNECTING;
  readonly bufferedAmount = 0;
  readonly url: string;
  readonly #relay: MemoryRelay;
  readonly #listeners = new Map<EventName, Set<Listener>>();

  constructor(relay: MemoryRelay, url: string) {
    this.#relay = relay;
    this.url = url;
  }

  addEventListener(type: EventName, listener: (event: never) => void): void {
    const set = this.#listeners.get(type) ?? new Set<Listener>();
    // WebSocketLike types the event as never so that the browser's and ws's events both fit; every event here is a SocketEvent.
    set.add(listener as Listener);
    this.#listeners.set(type, set);
  }

  send(data: string | Uint8Array): void {
    if (this.readyState !== OPEN) return;
    const copy = typeof data === 'string' ? data : data.slice();
    later(() => this.#relay.receive(this, copy));
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    later(() => {
      this.#relay.closed(this);
      this.#emit('close', { code, reason });
    });
  }

  /** Relay side: the socket opens. */
  accept(): void {
    later(() => {
      if (this.readyState !== CONNECTING) return;
      this.readyState = OPEN;
      this.#emit('open', {});
    });
  }

  /** Relay side: a text or binary frame for the client. */
  deliver(data: string | Uint8Array): void {
    later(() => {
      if (this.readyState !== OPEN) return;
      this.#emit('message', { data: typeof data === 'string' ? data : data.slice().buffer });
    });
  }

  /** Relay side: a signal for the client. */
  signal(message: RelaySignal): void {
    this.deliver(encodeSignal(message));
  }

  /** Relay side: the connection goes away (the relay closed it). */
  drop(code: number, reason: string): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    later(() => this.#emit('close', { code, reason }));
  }

  #emit(type: EventName, event: SocketEvent): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) listener(event);
  }
}

/** A side of a session, as the relay sees it. */
export type MemorySide = 'technician' | 'customer';

/** What the relay does with a binary frame on its way: forward it (the default), drop it, or hold it until {@link MemoryRelay.release}. */
export type FrameVerdict = 'forward' | 'drop' | 'hold';

/** What one socket is, on the relay's side. */
type Connection =
  | { role: 'opening' }
  | { role: 'technician'; mode?: Mode; nameplate?: string; ticket?: string }
  | { role: 'customer' };

/** A paired session: the two sockets. */
interface Pair {
  technician: MemorySocket;
  customer: MemorySocket;
}

/** Options of a {@link MemoryRelay}. */
export interface MemoryRelayOptions {
  /** The relay's origin (default {@link MEMORY_RELAY_URL}); sessions on it must use the same. */
  url?: string;
  /** Every connection closes before it opens, as an unreachable relay's would. */
  refuseConnections?: boolean;
  /** Signals it takes and never answers (a relay that hangs). */
  silent?: readonly ClientSignal['t'][];
  /** Who the relay vouches the technician is (default {@link TECHNICIAN}). */
  technician?: TechnicianIdentity;
  /** Decides the fate of each binary frame from `from` (a hostile relay); forwards everything by default. */
  onFrame?: (from: MemorySide, frame: Uint8Array) => FrameVerdict;
}

/** The relay stand-in. */
export class MemoryRelay {
  /** Every socket ever opened, in order (tests count them). */
  readonly sockets: MemorySocket[] = [];
  /** Every client signal received, in order. */
  readonly signals: ClientSignal[] = [];
  /** Invitation tickets held, with their PAKE secret, for {@link answer}'s customer side. */
  readonly #tickets = new Map<string, string>();
  readonly #connections = new Map<MemorySocket, Connection>();
  readonly #waiting = new Map<string, MemorySocket>();
  readonly #pairs = new Map<MemorySocket, Pair>();
  readonly #refuse: boolean;
  readonly #silent: ReadonlySet<string>;
  readonly #technician: TechnicianIdentity;
  readonly #onFrame: (from: MemorySide, frame: Uint8Array) => FrameVerdict;
  /** The latest socket of each side, for the hostile relay's own signals. */
  readonly #sides: Partial<Record<MemorySide, MemorySocket>> = {};
  /** Frames held back ('hold'), in order, with the socket each was for. */
  readonly #held: { to: MemorySocket; frame: Uint8Array }[] = [];
  /** The relay's origin. */
  readonly url: string;
  #nextNameplate = 100;
  #nextSession = 1;
  /** The customer sessions the stand-in started for invitation attempts. */
  readonly attempts: CustomerSession[] = [];

  constructor(options: MemoryRelayOptions = {}) {
    this.#refuse = options.refuseConnections === true;
    this.#silent = new Set(options.silent ?? []);
    this.url = options.url ?? MEMORY_RELAY_URL;
    this.#technician = options.technician ?? TECHNICIAN;
    this.#onFrame = options.onFrame ?? (() => 'forward');
  }

  /** The WebSocketFactory clients use. */
  readonly connect: WebSocketFactory = (url) => {
    const socket = new MemorySocket(this, url);
    this.sockets.push(socket);
    if (this.#refuse) {
      socket.drop(1006, '');
      return socket;
    }
    this.#connections.set(socket, { role: 'opening' });
    socket.accept();
    return socket;
  };

  /** A customer session on this relay with `code`, started. */
  customer(code: string): CustomerSession {
    const session = new CustomerSession({ relayUrl: this.url, code, aead: nodeAeadProvider(), connect: this.connect });
    session.start();
    return session;
  }

  /**
   * Holds an invitation ticket as a customer's agent would: an `answer` for it
   * starts a customer session joining the attempt with `secret` (the agent's
   * own record of the invitation's secret or password).
   */
  hold(ticket: string, secret: string): void {
    this.#tickets.set(ticket, secret);
  }

  /** Makes the waiting code `nameplate` expire, as the relay's timer would. */
  expire(nameplate: string): void {
    const socket = this.#waiting.get(nameplate);
    if (socket === undefined) return;
    this.#waiting.delete(nameplate);
    this.#reject(socket, 'TANDEM_ERR_CODE_EXPIRED', 'The session code expired before a customer joined.');
  }

  /** Sends a signal of the relay's own to the latest connection of `to` (a hostile relay's lie, for instance). */
  signal(to: MemorySide, message: RelaySignal): void {
    this.#sides[to]?.signal(message);
  }

  /** Closes the latest connection of `side` as the relay would, with `code`; the other side is not told. */
  drop(side: MemorySide, code = 1000): void {
    this.#sides[side]?.drop(code, '');
  }

  /** Delivers the frames held back so far, in order, to whoever they were for. */
  release(): void {
    for (const { to, frame } of this.#held.splice(0)) to.deliver(frame);
  }

  /** A frame arrived from a client. */
  receive(socket: MemorySocket, data: string | Uint8Array): void {
    const pair = this.#pairs.get(socket);
    if (typeof data !== 'string') {
      if (pair === undefined) return this.#reject(socket, 'TANDEM_ERR_PROTOCOL', 'binary frame before pairing');
      const from: MemorySide = pair.technician === socket ? 'technician' : 'customer';
      const to = from === 'technician' ? pair.customer : pair.technician;
      const verdict = this.#onFrame(from, data);
      if (verdict === 'forward') to.deliver(data);
      else if (verdict === 'hold') this.#held.push({ to, frame: data });
      return;
    }
    let signal: ClientSignal;
    try {
      signal = parseClientSignal(data);
    } catch (err) {
      return this.#reject(socket, 'TANDEM_ERR_PROTOCOL', toTandemError(err).message);
    }
    this.signals.push(signal);
    const conn = this.#connections.get(socket);
    if (conn === undefined || this.#silent.has(signal.t)) return;
    switch (signal.t) {
      case 'auth':
        if (signal.token !== GOOD_TOKEN) return this.#reject(socket, 'TANDEM_ERR_UNAUTHORIZED', 'The token is not valid.');
        this.#connections.set(socket, { role: 'technician' });
        this.#sides.technician = socket;
        socket.signal({ t: 'ready', technician: this.#technician });
        return;
      case 'allocate': {
        const nameplate = String(this.#nextNameplate++);
        this.#connections.set(socket, { role: 'technician', mode: signal.mode, nameplate });
        this.#waiting.set(nameplate, socket);
        const now = Date.now();
        socket.signal({ t: 'allocated', nameplate, expiresAt: now + 300_000, serverTime: now });
        return;
      }
      case 'extend': {
        const now = Date.now();
        socket.signal({ t: 'extended', expiresAt: now + 900_000, serverTime: now });
        return;
      }
      case 'claim': {
        const technician = this.#waiting.get(signal.nameplate);
        this.#connections.set(socket, { role: 'customer' });
        if (technician === undefined) return this.#reject(socket, 'TANDEM_ERR_CODE_UNKNOWN', 'No session code with this number is waiting.');
        // A claim consumes the nameplate: whatever the handshake does, the code is used up.
        this.#waiting.delete(signal.nameplate);
        this.#pair(technician, socket);
        return;
      }
      case 'answer': {
        const secret = this.#tickets.get(signal.ticket);
        if (secret === undefined) return this.#reject(socket, 'TANDEM_ERR_INVITATION_EXPIRED', 'No invitation with this ticket is held.');
        this.#connections.set(socket, { role: 'technician', mode: signal.mode, ticket: signal.ticket });
        const attemptId = `attempt-${this.#nextSession}`;
        const customer = new CustomerSession({ relayUrl: this.url, invitation: { ticket: signal.ticket, secret, attemptId }, aead: nodeAeadProvider(), connect: this.connect });
        this.attempts.push(customer);
        this.#waiting.set(attemptId, socket);
        customer.start();
        return;
      }
      case 'join': {
        const technician = this.#waiting.get(signal.attemptId);
        this.#connections.set(socket, { role: 'customer' });
        if (technician === undefined) return this.#reject(socket, 'TANDEM_ERR_NOT_FOUND', 'No such attempt.');
        this.#waiting.delete(signal.attemptId);
        this.#pair(technician, socket);
        return;
      }
      case 'abort':
        return this.#leave(socket, signal.code === 'TANDEM_ERR_WRONG_CODE' ? 'wrong-code' : 'protocol-error');
      case 'refuse':
        return this.#leave(socket, 'refused');
      case 'bye':
        return this.#leave(socket, conn.role === 'technician' ? 'technician-ended' : 'customer-ended');
      default:
        // consent, mode: metadata for the audit, nothing to do here.
        return;
    }
  }

  /** A client closed its socket. */
  closed(socket: MemorySocket): void {
    this.#leave(socket, 'network-lost');
    this.#connections.delete(socket);
    for (const [key, waiting] of this.#waiting) if (waiting === socket) this.#waiting.delete(key);
  }

  #pair(technician: MemorySocket, customer: MemorySocket): void {
    const sessionId = `session-${this.#nextSession++}`;
    const conn = this.#connections.get(technician);
    const mode = conn?.role === 'technician' ? conn.mode ?? 'chat' : 'chat';
    const pair = { technician, customer };
    this.#pairs.set(technician, pair);
    this.#pairs.set(customer, pair);
    this.#sides.customer = customer;
    technician.signal({ t: 'paired', sessionId, technician: this.#technician, mode });
    customer.signal({ t: 'paired', sessionId, technician: this.#technician, mode });
  }

  /** Ends a pair from `socket`'s side: the other side hears `peer-left`, both are closed. */
  #leave(socket: MemorySocket, reason: EndReason): void {
    const pair = this.#pairs.get(socket);
    if (pair === undefined) return;
    this.#pairs.delete(pair.technician);
    this.#pairs.delete(pair.customer);
    const other = pair.technician === socket ? pair.customer : pair.technician;
    other.signal({ t: 'peer-left', reason });
    later(() => {
      other.drop(1000, 'bye');
      socket.drop(1000, 'bye');
    });
  }

  /** Rejects what `socket` asked: sends the error signal, then drops the socket. */
  #reject(socket: MemorySocket, code: TandemErrorCode, message: string): void {
    socket.signal({ t: 'error', code, message });
    later(() => socket.drop(4400, code));
  }
}
