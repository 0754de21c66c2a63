/**
 * The gatekeeper: every byte the technician sends on the rfb channel passes
 * through here before it reaches an RFB server (the built-in engine or a
 * bridged VNC server). It parses the client's side of the handshake
 * (RFC 6143 §7.1-7.3) and then every client message (§7.5); in view only the
 * input messages are dropped, SetEncodings is cut down to what the
 * gatekeeper can go on parsing, and anything it cannot parse ends the stream
 * with an error instead of being passed on. The console is not trusted.
 */
import { StateMachine, TandemError, toTandemError, type Transitions } from '@tandem/protocol';
import {
  ByteQueue,
  DEFAULT_CLIENT_LIMITS,
  PROTOCOL_VERSION_BYTES,
  SECURITY,
  encodeClientMessage,
  parseClientMessage,
  parseProtocolVersion,
  serverVersionFor,
  type ClientMessage,
  type ClientMessageLimits,
  type RfbMinorVersion,
} from '@tandem/rfb';

/** The modes in which an RFB stream exists (chat has none). */
export type GateMode = 'view' | 'control';

/** States, in order: version → (security) → init → normal; any → closed. */
export type GateState = 'version' | 'security' | 'init' | 'normal' | 'closed';

const TRANSITIONS: Transitions<GateState> = {
  version: ['security', 'init', 'closed'],
  security: ['init', 'closed'],
  init: ['normal', 'closed'],
  normal: ['closed'],
  closed: [],
};

/** One accepted piece of the technician's stream, with the bytes to forward. */
export type GatePiece =
  | { phase: 'version'; raw: Uint8Array; minor: RfbMinorVersion }
  | { phase: 'security'; raw: Uint8Array; type: number }
  | { phase: 'init'; raw: Uint8Array; shared: boolean }
  | { phase: 'message'; raw: Uint8Array; message: ClientMessage };

/** Options of {@link Gatekeeper}. */
export interface GatekeeperOptions {
  mode: GateMode;
  /** Which SetEncodings entries may reach the server (see safe-encodings.ts). */
  allowEncoding: (encoding: number) => boolean;
  limits?: ClientMessageLimits;
}

/** Message types that change the customer's machine: they pass only in control. */
const INPUT_TYPES: ReadonlySet<ClientMessage['type']> = new Set(['KeyEvent', 'PointerEvent', 'ClientCutText', 'SetDesktopSize']);

const PREFIX = 'technician sent an RFB message the agent cannot check';

/** Parses, filters and forwards the technician's RFB client stream. */
export class Gatekeeper {
  readonly #machine = new StateMachine<GateState>({ name: 'gatekeeper', initial: 'version', transitions: TRANSITIONS });
  #mode: GateMode;
  readonly #q = new ByteQueue();
  readonly #allow: (encoding: number) => boolean;
  readonly #limits: ClientMessageLimits;
  readonly #dropped = new Map<string, number>();
  readonly #heldKeys = new Set<number>();
  #pointer = { x: 0, y: 0, mask: 0 };

  constructor(options: GatekeeperOptions) {
    this.#mode = options.mode;
    this.#allow = options.allowEncoding;
    this.#limits = options.limits ?? DEFAULT_CLIENT_LIMITS;
  }

  /** The current state. */
  get state(): GateState {
    return this.#machine.state;
  }

  /** The current mode. */
  get mode(): GateMode {
    return this.#mode;
  }

  /** Messages dropped so far, by type (for diagnostics and tests). */
  get dropped(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#dropped);
  }

  /** Total messages dropped. */
  get droppedTotal(): number {
    let n = 0;
    for (const v of this.#dropped.values()) n += v;
    return n;
  }

  /**
   * Switches mode at once: every byte parsed after this call is judged by the
   * new mode. Stepping down from control returns the messages that release
   * the keys and buttons the technician still held (for servers the agent
   * cannot release directly, such as a bridged VNC server).
   */
  setMode(mode: GateMode): Uint8Array[] {
    const from = this.#mode;
    this.#mode = mode;
    if (from !== 'control' || mode === 'control') return [];
    const out: Uint8Array[] = [];
    for (const keysym of this.#heldKeys) out.push(encodeClientMessage({ type: 'KeyEvent', down: false, keysym }));
    this.#heldKeys.clear();
    if (this.#pointer.mask !== 0) {
      out.push(encodeClientMessage({ type: 'PointerEvent', buttonMask: 0, x: this.#pointer.x, y: this.#pointer.y }));
      this.#pointer = { ...this.#pointer, mask: 0 };
    }
    return out;
  }

  /**
   * Takes the next bytes from the technician; returns what may be forwarded,
   * in order. A short read is not an error: the rest waits in the queue.
   * Throws TANDEM_ERR_PROTOCOL for anything that cannot be checked; the
   * gatekeeper is then closed and throws on every further push.
   */
  push(chunk: Uint8Array): GatePiece[] {
    if (this.#machine.state === 'closed') throw new TandemError('TANDEM_ERR_PROTOCOL', `${PREFIX}: the stream was already rejected`);
    this.#q.push(chunk);
    const out: GatePiece[] = [];
    try {
      for (;;) {
        const piece = this.#step();
        if (piece === null) break;
        if (piece !== 'dropped') out.push(piece);
      }
    } catch (err) {
      this.close();
      const e = toTandemError(err, 'TANDEM_ERR_PROTOCOL');
      throw new TandemError('TANDEM_ERR_PROTOCOL', `${PREFIX}: ${e.message.replace(/^rfb: /, '')}`);
    }
    return out;
  }

  /** Stops: drops anything queued. */
  close(): void {
    if (this.#machine.state === 'closed') return;
    this.#machine.to('closed');
    this.#q.clear();
  }

  #step(): GatePiece | 'dropped' | null {
    switch (this.#machine.state) {
      case 'version': return this.#version();
      case 'security': {
        if (!this.#q.has(1)) return null;
        const type = this.#q.peekU8(0);
        const raw = this.#q.take(1);
        // Security type None (RFC 6143 §7.2.1) is the only one offered on the already authenticated session.
        if (type !== SECURITY.none) throw new TandemError('TANDEM_ERR_PROTOCOL', `security type ${type} chosen, only None (1) was offered`);
        this.#machine.to('init');
        return { phase: 'security', raw, type };
      }
      case 'init': {
        if (!this.#q.has(1)) return null;
        const shared = this.#q.peekU8(0);
        const raw = this.#q.take(1);
        if (shared > 1) throw new TandemError('TANDEM_ERR_PROTOCOL', `ClientInit shared flag ${shared} is not 0 or 1`);
        this.#machine.to('normal');
        return { phase: 'init', raw, shared: shared === 1 };
      }
      case 'normal': return this.#message();
      case 'closed': return null;
    }
  }

  #version(): GatePiece | null {
    if (!this.#q.has(PROTOCOL_VERSION_BYTES)) return null;
    const raw = this.#q.take(PROTOCOL_VERSION_BYTES);
    // RFC 6143 §7.1.1: 3.7 and 3.8 as such, anything else as 3.3 (the engine does the same).
    const v = serverVersionFor(parseProtocolVersion(raw, 'the technician'));
    // 3.3: the server picks the security type alone, so the client's next byte is ClientInit.
    this.#machine.to(v === 3 ? 'init' : 'security');
    return { phase: 'version', raw, minor: v };
  }

  #message(): GatePiece | 'dropped' | null {
    const parsed = parseClientMessage(this.#q, this.#limits);
    if (parsed === null) return null;
    const { message } = parsed;
    if (INPUT_TYPES.has(message.type) && this.#mode !== 'control') {
      this.#dropped.set(message.type, (this.#dropped.get(message.type) ?? 0) + 1);
      return 'dropped';
    }
    if (message.type === 'SetEncodings') {
      const kept = message.encodings.filter((e) => this.#allow(e));
      if (kept.length !== message.encodings.length) {
        const filtered: ClientMessage = { type: 'SetEncodings', encodings: kept };
        return { phase: 'message', raw: encodeClientMessage(filtered), message: filtered };
      }
    } else if (message.type === 'KeyEvent') {
      if (message.down) this.#heldKeys.add(message.keysym);
      else this.#heldKeys.delete(message.keysym);
    } else if (message.type === 'PointerEvent') {
      this.#pointer = { x: message.x, y: message.y, mask: message.buttonMask };
    }
    return { phase: 'message', raw: parsed.raw, message };
  }
}
