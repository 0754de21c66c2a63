/**
 * A relay in memory for unit tests of the session state machines
 * (TechnicianSession, CustomerSession, the agent's JoinController): it speaks
 * the relay's signals (docs/protocol.md, "Signals") for one code between one
 * technician and one customer, forwards binary frames verbatim, and lets a
 * test play a hostile relay (drop or hold frames, send signals of its own).
 * Integration tests use the real relay process; this stands in only where a
 * test drives the state machines directly. It imports nothing from the
 * protocol package, so tests of the sources and of the built package can
 * both use it.
 */

/** The part of a WebSocket the sessions use (protocol's WebSocketLike, structurally). */
export interface MemorySocket {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: never) => void): void;
}

/** A side of the session, as the relay sees it. */
export type MemorySide = 'technician' | 'customer';

/** What the relay does with a binary frame on its way: forward it (the default) or drop it. */
export type FrameVerdict = 'forward' | 'drop';

/** Options of {@link MemoryRelay}. */
export interface MemoryRelayOptions {
  /** The technician the relay vouches for. */
  technician?: { username: string; displayName: string; team: string };
  /** Decides the fate of each binary frame from `from`; forwards everything by default. */
  onFrame?: (from: MemorySide, frame: Uint8Array) => FrameVerdict;
}

const OPEN = 1;
const CLOSED = 3;

class Socket implements MemorySocket {
  binaryType = 'arraybuffer';
  readyState = 0;
  readonly bufferedAmount = 0;
  side: MemorySide | undefined;
  readonly #listeners = new Map<string, ((event: never) => void)[]>();
  readonly #relay: MemoryRelay;

  constructor(relay: MemoryRelay) {
    this.#relay = relay;
    setTimeout(() => {
      this.readyState = OPEN;
      this.emit('open', {});
    }, 0);
  }

  addEventListener(type: string, listener: (event: never) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  emit(type: string, event: object): void {
    for (const listener of this.#listeners.get(type) ?? []) (listener as (e: object) => void)(event);
  }

  send(data: string | Uint8Array): void {
    if (this.readyState !== OPEN) return;
    this.#relay.fromClient(this, data);
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    setTimeout(() => {
      this.emit('close', { code, reason });
      this.#relay.closed(this);
    }, 0);
  }

  /** Delivers a message to the client, asynchronously as a socket would. */
  deliver(data: string | Uint8Array): void {
    const copy = typeof data === 'string' ? data : data.slice().buffer;
    setTimeout(() => {
      if (this.readyState === OPEN) this.emit('message', { data: copy });
    }, 0);
  }
}

/** One code, one technician, one customer, in memory. */
export class MemoryRelay {
  readonly nameplate = '123';
  readonly sessionId = 'memory-session-1';
  readonly #options: MemoryRelayOptions;
  readonly #sides: Partial<Record<MemorySide, Socket>> = {};
  #mode = 'chat';
  /** Signals the clients sent, in order, for assertions. */
  readonly signals: { from: MemorySide; signal: Record<string, unknown> }[] = [];

  constructor(options: MemoryRelayOptions = {}) {
    this.#options = options;
  }

  /** The WebSocketFactory to give both sessions. */
  readonly connect = (url: string): MemorySocket => {
    void url;
    return new Socket(this);
  };

  /** Sends a signal of the relay's own to one side (a hostile relay's lie, for instance). */
  signal(to: MemorySide, signal: Record<string, unknown>): void {
    this.#sides[to]?.deliver(JSON.stringify(signal));
  }

  /** Closes one side's connection as the relay would. */
  drop(side: MemorySide, code = 1000): void {
    this.#sides[side]?.close(code);
  }

  fromClient(socket: Socket, data: string | Uint8Array): void {
    if (typeof data !== 'string') {
      const from = socket.side;
      if (from === undefined) return;
      if ((this.#options.onFrame?.(from, data) ?? 'forward') === 'drop') return;
      this.#sides[from === 'technician' ? 'customer' : 'technician']?.deliver(data);
      return;
    }
    const signal = JSON.parse(data) as Record<string, unknown>;
    if (socket.side !== undefined) this.signals.push({ from: socket.side, signal });
    const technician = this.#options.technician ?? { username: 'tanaka', displayName: 'Tanaka Ichiro', team: 'Helpdesk' };
    switch (signal.t) {
      case 'auth':
        socket.side = 'technician';
        this.#sides.technician = socket;
        socket.deliver(JSON.stringify({ t: 'ready', technician }));
        return;
      case 'allocate':
        this.#mode = String(signal.mode);
        socket.deliver(JSON.stringify({ t: 'allocated', nameplate: this.nameplate, expiresAt: Date.now() + 300_000, serverTime: Date.now() }));
        return;
      case 'claim': {
        socket.side = 'customer';
        this.#sides.customer = socket;
        this.signals.push({ from: 'customer', signal });
        const paired = JSON.stringify({ t: 'paired', sessionId: this.sessionId, technician, mode: this.#mode });
        this.#sides.technician?.deliver(paired);
        socket.deliver(paired);
        return;
      }
      case 'bye':
        this.#peerLeft(socket, socket.side === 'technician' ? 'technician-ended' : 'customer-ended');
        return;
      case 'abort':
        this.#peerLeft(socket, signal.code === 'TANDEM_ERR_WRONG_CODE' ? 'wrong-code' : 'protocol-error');
        return;
      case 'refuse':
        this.#peerLeft(socket, 'refused');
        return;
      default:
        return;
    }
  }

  closed(socket: Socket): void {
    this.#peerLeft(socket, 'network-lost');
  }

  #left = new Set<Socket>();

  #peerLeft(socket: Socket, reason: string): void {
    if (this.#left.has(socket) || socket.side === undefined) return;
    this.#left.add(socket);
    const other = this.#sides[socket.side === 'technician' ? 'customer' : 'technician'];
    other?.deliver(JSON.stringify({ t: 'peer-left', reason }));
  }
}
