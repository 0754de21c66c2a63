/**
 * A relay the test plays by hand, in memory, for the state machines that
 * talk to a relay one signal at a time (InvitationHolder, the agent's
 * TicketKeeper, the sessions' failure paths): each connection is a
 * {@link ScriptedSocket} the client holds (protocol's WebSocketLike,
 * structurally) and the test answers on. The test sees every signal and
 * frame the client sent and how it closed; it delivers signals, raw text and
 * binary frames, drops the connection, or never lets it open. Delivery is
 * asynchronous, as a socket's. MemoryRelay (memory-relay.ts) plays a whole
 * rendezvous between two sessions instead. It imports nothing from the
 * protocol package, so tests of the sources and of the built packages can
 * both use it.
 */

/** A signal as the client sent it (parsed JSON). */
export type SentSignal = { t: string } & Record<string, unknown>;

/** How a new connection opens: it opens; it closes before opening (an unreachable relay); it never opens (a relay that hangs). */
export type Opening = 'open' | 'refuse' | 'hang';

/** Options of a {@link ScriptedRelay}. */
export interface ScriptedRelayOptions {
  /** How each connection opens (default `open`); a function decides per connection, numbered from 0. */
  opening?: Opening | ((index: number) => Opening);
  /** Answers each signal a client sends. */
  onSignal?: (socket: ScriptedSocket, signal: SentSignal) => void;
  /** Takes each binary frame a client sends; by default it goes to the socket's {@link ScriptedSocket.peer}, if any. */
  onFrame?: (socket: ScriptedSocket, frame: Uint8Array) => void;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

type Listener = (event: object) => void;

/** One connection: the client's end (WebSocketLike) and the test's handle on it. */
export class ScriptedSocket {
  binaryType = 'arraybuffer';
  readyState = CONNECTING;
  readonly bufferedAmount = 0;
  readonly url: string;
  /** Which connection of the relay this is, from 0. */
  readonly index: number;
  /** Signals the client sent, in order. */
  readonly signals: SentSignal[] = [];
  /** Binary frames the client sent, in order. */
  readonly frames: Uint8Array[] = [];
  /** How the client closed it, once it did. */
  closedByClient: { code: number; reason: string } | undefined;
  /** The other side of a pair: binary frames from here go there (unless the relay's onFrame takes them). */
  peer: ScriptedSocket | undefined;
  readonly #listeners = new Map<string, Listener[]>();
  readonly #options: ScriptedRelayOptions;

  constructor(url: string, index: number, options: ScriptedRelayOptions) {
    this.url = url;
    this.index = index;
    this.#options = options;
  }

  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: never) => void): void {
    // WebSocketLike types the event as never so that the browser's and ws's events both fit; every event here is an object.
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener as Listener]);
  }

  /** Client side: a frame to the relay. */
  send(data: string | Uint8Array): void {
    if (this.readyState !== OPEN) return;
    if (typeof data !== 'string') {
      const frame = data.slice();
      this.frames.push(frame);
      if (this.#options.onFrame !== undefined) this.#options.onFrame(this, frame);
      else this.peer?.deliver(frame);
      return;
    }
    const signal = JSON.parse(data) as SentSignal;
    this.signals.push(signal);
    this.#options.onSignal?.(this, signal);
  }

  /** Client side: closes the connection. */
  close(code = 1000, reason = ''): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.closedByClient = { code, reason };
    setTimeout(() => this.#emit('close', { code, reason }), 0);
  }

  /** Relay side: the connection opens. */
  open(): void {
    setTimeout(() => {
      if (this.readyState !== CONNECTING) return;
      this.readyState = OPEN;
      this.#emit('open', {});
    }, 0);
  }

  /** Relay side: a signal for the client. */
  signal(signal: SentSignal): void {
    this.deliver(JSON.stringify(signal));
  }

  /** Relay side: a text or binary frame for the client, as it is. */
  deliver(data: string | Uint8Array): void {
    const copy = typeof data === 'string' ? data : data.slice().buffer;
    setTimeout(() => {
      if (this.readyState === OPEN) this.#emit('message', { data: copy });
    }, 0);
  }

  /** Relay side: the connection goes away (before it opened: the relay is unreachable). */
  drop(code = 1006, reason = ''): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    setTimeout(() => this.#emit('close', { code, reason }), 0);
  }

  #emit(type: string, event: object): void {
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }
}

/** The relay: hands out {@link ScriptedSocket}s as a WebSocketFactory. */
export class ScriptedRelay {
  /** Every connection, in order. */
  readonly sockets: ScriptedSocket[] = [];
  readonly #options: ScriptedRelayOptions;

  constructor(options: ScriptedRelayOptions = {}) {
    this.#options = options;
  }

  /** The WebSocketFactory to give the client. */
  readonly connect = (url: string): ScriptedSocket => {
    const index = this.sockets.length;
    const socket = new ScriptedSocket(url, index, this.#options);
    this.sockets.push(socket);
    const opening = typeof this.#options.opening === 'function' ? this.#options.opening(index) : (this.#options.opening ?? 'open');
    if (opening === 'open') socket.open();
    else if (opening === 'refuse') socket.drop(1006, '');
    return socket;
  };

  /** The latest connection. */
  get last(): ScriptedSocket {
    const socket = this.sockets[this.sockets.length - 1];
    if (socket === undefined) throw new Error('scripted relay: no connection yet');
    return socket;
  }
}

/** The technician the played rendezvous vouches for. */
export const PLAYED_TECHNICIAN = { username: 'tanaka', displayName: 'Tanaka Ichiro', team: 'Helpdesk' };

/** What {@link playRendezvous} plays and tells. */
export interface PlayedRendezvous {
  /** Answers `signal` as the relay's rendezvous would; give it as (or call it from) a relay's `onSignal`. */
  readonly answer: (socket: ScriptedSocket, signal: SentSignal) => void;
  /** The technician's connection, once signed in. */
  readonly technician: ScriptedSocket | undefined;
  /** The customer's connection, once it claimed or joined. */
  readonly customer: ScriptedSocket | undefined;
}

/**
 * The little of the rendezvous (docs/protocol.md, "Signals") that one
 * technician and one customer need: `auth` → `ready`, `allocate` →
 * `allocated` (nameplate `nameplate`), `extend` → `extended`, `claim` of that
 * nameplate → `paired`, `answer` → `onAnswer(ticket, attemptId)` (the test
 * starts the customer's joining session), `join` → `paired`; paired sockets
 * forward binary frames to each other; `bye`, `refuse` and `abort` tell the
 * other side `peer-left` and drop both.
 */
export function playRendezvous(options: { nameplate?: string; sessionId?: string; onAnswer?: (ticket: string, attemptId: string) => void } = {}): PlayedRendezvous {
  const nameplate = options.nameplate ?? '123';
  const sessionId = options.sessionId ?? 'played-session-1';
  let technician: ScriptedSocket | undefined;
  let customer: ScriptedSocket | undefined;
  let mode = 'chat';
  let caseNumber: unknown;
  const pair = (socket: ScriptedSocket): void => {
    customer = socket;
    if (technician === undefined) return;
    technician.peer = socket;
    socket.peer = technician;
    const paired = { t: 'paired', sessionId, technician: PLAYED_TECHNICIAN, mode, ...(typeof caseNumber === 'string' ? { caseNumber } : {}) };
    technician.signal(paired);
    socket.signal(paired);
  };
  const leave = (socket: ScriptedSocket, reason: string): void => {
    const other = socket.peer;
    if (other === undefined) return;
    socket.peer = undefined;
    other.peer = undefined;
    other.signal({ t: 'peer-left', reason });
    setTimeout(() => {
      other.drop(1000, 'bye');
      socket.drop(1000, 'bye');
    }, 0);
  };
  return {
    get technician() {
      return technician;
    },
    get customer() {
      return customer;
    },
    answer: (socket, signal) => {
      const now = Date.now();
      switch (signal.t) {
        case 'auth':
          technician = socket;
          socket.signal({ t: 'ready', technician: PLAYED_TECHNICIAN });
          return;
        case 'allocate':
          mode = String(signal.mode);
          caseNumber = signal.caseNumber;
          socket.signal({ t: 'allocated', nameplate, expiresAt: now + 300_000, serverTime: now });
          return;
        case 'extend':
          socket.signal({ t: 'extended', expiresAt: now + 900_000, serverTime: now });
          return;
        case 'claim':
          if (signal.nameplate !== nameplate) {
            socket.signal({ t: 'error', code: 'TANDEM_ERR_CODE_UNKNOWN', message: 'No session is waiting for this code.' });
            setTimeout(() => socket.drop(4404, 'TANDEM_ERR_CODE_UNKNOWN'), 0);
            return;
          }
          pair(socket);
          return;
        case 'answer':
          mode = String(signal.mode);
          caseNumber = signal.caseNumber;
          options.onAnswer?.(String(signal.ticket), 'attempt-0001');
          return;
        case 'join':
          pair(socket);
          return;
        case 'bye':
          leave(socket, socket === technician ? 'technician-ended' : 'customer-ended');
          return;
        case 'refuse':
          leave(socket, 'refused');
          return;
        case 'abort':
          leave(socket, signal.code === 'TANDEM_ERR_WRONG_CODE' ? 'wrong-code' : 'protocol-error');
          return;
        default:
          // confirmed, consent, mode: metadata for the relay's audit.
          return;
      }
    },
  };
}
