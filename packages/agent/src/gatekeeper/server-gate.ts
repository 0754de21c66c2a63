/**
 * The server-to-technician half of the gatekeeper, for bridge mode: every
 * byte a VNC server on the customer's machine sends after ServerInit is
 * framed (`@tandem/rfb`'s ServerMessageReader, RFC 6143 §7.6) before any of
 * it reaches the technician. ServerCutText, the customer's clipboard, is
 * dropped, in view only as in control, until clipboard sharing has a consent
 * of its own; everything else passes byte for byte, in order. Whatever
 * cannot be framed (an unknown message type, an encoding nobody asked for, a
 * rectangle that breaks its encoding's rules) ends the stream with
 * TANDEM_ERR_PROTOCOL: the agent never passes on bytes it cannot place.
 *
 * Where one rectangle ends depends on the pixel format the server sends in,
 * so the gate follows what the technician's stream told the server
 * ({@link ServerGate.clientSent}, called for each message as it is written
 * to the server). An update already on its way was encoded in the format
 * before; the gate could not tell old from new. So a pixel format takes
 * effect while no update can be in flight: before the first
 * FramebufferUpdateRequest (no server sends an update before one, and one
 * that does is refused). After that, a SetPixelFormat that changes the
 * format ends the stream. noVNC and Tandem's technician client set the
 * format once, before their first request.
 */
import { StateMachine, TandemError, toTandemError, type Transitions } from '@tandem/protocol';
import {
  ByteQueue,
  ENCODING,
  ServerMessageReader,
  decodeServerPixelFormat,
  defaultRectFramers,
  encodePixelFormat,
  type ClientMessage,
  type PixelFormat,
  type RectFramer,
  type ServerMessageType,
} from '@tandem/rfb';

/**
 * States: `negotiating` (no FramebufferUpdateRequest forwarded yet: the
 * pixel format may still change) → `updating` → `closed`.
 */
export type ServerGateState = 'negotiating' | 'updating' | 'closed';

const TRANSITIONS: Transitions<ServerGateState> = {
  negotiating: ['updating', 'closed'],
  updating: ['closed'],
  closed: [],
};

/** Server messages that stay on the customer's computer. */
const DROPPED: ReadonlySet<ServerMessageType> = new Set(['ServerCutText']);

/** Options of a {@link ServerGate}. */
export interface ServerGateOptions {
  /** The VNC server's ServerInit (RFC 6143 §7.3.2): updates use its pixel format until the technician sets another. */
  serverInit: Uint8Array;
  /** The server, for messages: "the VNC server at HOST:PORT". */
  label: string;
  /** The rectangle framers (default: @tandem/rfb's table). */
  framers?: ReadonlyMap<number, RectFramer>;
}

/** Frames and filters a VNC server's stream on its way to the technician. */
export class ServerGate {
  readonly #machine = new StateMachine<ServerGateState>({ name: 'server gate', initial: 'negotiating', transitions: TRANSITIONS });
  readonly #q = new ByteQueue();
  readonly #reader: ServerMessageReader;
  readonly #label: string;
  /** Encodings the technician asked for, ever (an update on its way may still use one it has since dropped); Raw always (§7.7.1). */
  readonly #asked = new Set<number>([ENCODING.Raw]);
  readonly #dropped = new Map<ServerMessageType, number>();

  constructor(options: ServerGateOptions) {
    this.#label = options.label;
    let pf: PixelFormat;
    try {
      pf = decodeServerPixelFormat(options.serverInit.subarray(4, 20));
    } catch (err) {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `${this.#label}: its ServerInit has ${toTandemError(err).message}`);
    }
    this.#reader = new ServerMessageReader({ framers: options.framers ?? defaultRectFramers(), pixelFormat: pf });
  }

  /** The current state. */
  get state(): ServerGateState {
    return this.#machine.state;
  }

  /** Server messages dropped so far, by type (for diagnostics and tests). */
  get dropped(): Readonly<Partial<Record<ServerMessageType, number>>> {
    return Object.fromEntries(this.#dropped);
  }

  /**
   * Told of each of the technician's messages as it is written to the
   * server, in order. Throws TANDEM_ERR_PROTOCOL for a pixel format change
   * after the first FramebufferUpdateRequest.
   */
  clientSent(message: ClientMessage): void {
    if (this.#machine.is('closed')) return;
    switch (message.type) {
      case 'SetEncodings':
        for (const e of message.encodings) this.#asked.add(e);
        return;
      case 'FramebufferUpdateRequest':
        if (this.#machine.is('negotiating')) this.#machine.to('updating');
        return;
      case 'SetPixelFormat':
        if (this.#machine.is('updating') && !samePixelFormat(message.format, this.#reader.pixelFormat)) {
          this.close();
          throw new TandemError('TANDEM_ERR_PROTOCOL', 'technician changed the pixel format after asking for updates; in bridge mode it is set once, before the first FramebufferUpdateRequest, as the agent cannot tell which of the VNC server\'s updates use which format');
        }
        this.#reader.pixelFormat = message.format;
        return;
      default:
        return;
    }
  }

  /**
   * Takes the server's next bytes; returns what may go to the technician,
   * in order (views of `chunk` where they can be). A short read is not an
   * error: the rest waits. Throws TANDEM_ERR_PROTOCOL for anything it
   * cannot frame; the gate is then closed.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#machine.is('closed')) throw this.#violation('the stream was already rejected');
    this.#q.push(chunk);
    const out: Uint8Array[] = [];
    try {
      for (let p = this.#reader.next(this.#q); p !== null; p = this.#reader.next(this.#q)) {
        if (p.message === 'FramebufferUpdate' && p.part === 'header' && this.#machine.is('negotiating')) {
          throw new TandemError('TANDEM_ERR_PROTOCOL', 'a FramebufferUpdate before the technician asked for one (RFC 6143 §7.6.1: an update answers a FramebufferUpdateRequest)');
        }
        if (p.part === 'rectangle' && !this.#asked.has(p.rect.encoding)) {
          throw new TandemError('TANDEM_ERR_PROTOCOL', `a rectangle in ${p.framer.name} (${p.rect.encoding}), which the technician did not ask for`);
        }
        if (DROPPED.has(p.message)) {
          if (p.part === 'header') this.#dropped.set(p.message, (this.#dropped.get(p.message) ?? 0) + 1);
          continue;
        }
        out.push(p.raw);
      }
    } catch (err) {
      this.close();
      throw this.#violation(toTandemError(err, 'TANDEM_ERR_PROTOCOL').message.replace(/^rfb: /, ''));
    }
    return out;
  }

  /** Stops: drops anything queued. */
  close(): void {
    if (this.#machine.is('closed')) return;
    this.#machine.to('closed');
    this.#q.clear();
  }

  #violation(message: string): TandemError {
    return new TandemError('TANDEM_ERR_PROTOCOL', `${this.#label} sent an RFB message the agent cannot check: ${message}`);
  }
}

/** True when `a` and `b` are the same format on the wire. */
function samePixelFormat(a: PixelFormat, b: PixelFormat): boolean {
  const x = encodePixelFormat(a), y = encodePixelFormat(b);
  return x.every((v, i) => v === y[i]);
}
