/**
 * A resumable reader of RFB server-to-client messages (RFC 6143 §7.6) that
 * finds their boundaries and nothing more: FramebufferUpdate with each of
 * its rectangles (framed by the encoding's {@link RectFramer}),
 * SetColourMapEntries, Bell and ServerCutText. No pixel is decoded and no
 * zlib stream inflated; long payloads (a rectangle's data, the cut text) are
 * passed on piece by piece as they arrive, without being held whole.
 *
 * The bytes wait in a {@link ByteQueue} that the caller owns; each call to
 * {@link ServerMessageReader.next} returns the next piece or `null` when the
 * queue does not yet hold it ("need more bytes" is a return value). Anything
 * the reader cannot frame throws TANDEM_ERR_PROTOCOL, and the reader stays
 * failed: a stream whose boundaries are lost cannot be read on.
 */
import { StateMachine, TandemError, type Transitions } from '@tandem/protocol';
import type { ByteQueue } from './byte-queue.js';
import type { PixelFormat } from './pixel-format.js';
import type { RectFramer, RectHeader } from './rect-framers/rect-framer.js';

/** Server-to-client message types (RFC 6143 §7.6). */
export const SERVER_MESSAGE = {
  FramebufferUpdate: 0,
  SetColourMapEntries: 1,
  Bell: 2,
  ServerCutText: 3,
} as const;

/** The name of a server-to-client message. */
export type ServerMessageType = keyof typeof SERVER_MESSAGE;

/**
 * One piece of the server's stream, with its bytes exactly as sent. A
 * message is one piece (Bell, SetColourMapEntries) or several: a header,
 * then for an update each rectangle's header and its payload, for a cut text
 * the text, both in as many `payload` pieces as the bytes arrive in.
 */
export type ServerPiece =
  | { message: 'FramebufferUpdate'; part: 'header'; rects: number; raw: Uint8Array }
  | { message: 'FramebufferUpdate'; part: 'rectangle'; rect: RectHeader; framer: RectFramer; raw: Uint8Array }
  | { message: 'FramebufferUpdate'; part: 'payload'; raw: Uint8Array }
  | { message: 'SetColourMapEntries'; part: 'whole'; first: number; colours: number; raw: Uint8Array }
  | { message: 'Bell'; part: 'whole'; raw: Uint8Array }
  | { message: 'ServerCutText'; part: 'header'; length: number; raw: Uint8Array }
  | { message: 'ServerCutText'; part: 'payload'; raw: Uint8Array };

/**
 * States: between messages (`message`); in an update, before a rectangle's
 * header (`rectangle`) or after it, until its framer can tell its length
 * (`framing`); passing a known number of payload bytes (`payload`);
 * `refusing` when a header was returned whose payload cannot be framed (the
 * next call throws why); `failed` for good after anything it could not frame.
 */
export type ServerReaderState = 'message' | 'rectangle' | 'framing' | 'payload' | 'refusing' | 'failed';

const TRANSITIONS: Transitions<ServerReaderState> = {
  message: ['message', 'rectangle', 'payload', 'failed'],
  rectangle: ['framing', 'failed'],
  framing: ['payload', 'rectangle', 'message', 'refusing', 'failed'],
  refusing: ['failed'],
  payload: ['rectangle', 'message', 'failed'],
  failed: [],
};

/** Options of a {@link ServerMessageReader}. */
export interface ServerMessageReaderOptions {
  /** The rectangle framers, by encoding (see defaultRectFramers). */
  framers: ReadonlyMap<number, RectFramer>;
  /** The pixel format updates are sent in: ServerInit's, until the client sets another. */
  pixelFormat: PixelFormat;
}

function bad(message: string): never {
  throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: ${message}`);
}

/** Reads the boundaries of a server's messages, resumably. */
export class ServerMessageReader {
  readonly #machine = new StateMachine<ServerReaderState>({ name: 'rfb server message reader', initial: 'message', transitions: TRANSITIONS });
  readonly #framers: ReadonlyMap<number, RectFramer>;
  #pixelFormat: PixelFormat;
  /** Rectangles of the current update still to come. */
  #rectsLeft = 0;
  /** The rectangle being framed. */
  #rect: { header: RectHeader; framer: RectFramer } | null = null;
  /** The message whose payload is being passed, and how many of its bytes are still to come. */
  #payload: { of: 'FramebufferUpdate' | 'ServerCutText'; left: number } = { of: 'FramebufferUpdate', left: 0 };
  /** In `refusing`: why the rectangle whose header was returned cannot be framed. */
  #refusal: TandemError | undefined;

  constructor(options: ServerMessageReaderOptions) {
    this.#framers = options.framers;
    this.#pixelFormat = options.pixelFormat;
  }

  /** The current state. */
  get state(): ServerReaderState {
    return this.#machine.state;
  }

  /** True between two messages: every byte taken so far belonged to a whole message. */
  get atBoundary(): boolean {
    return this.#machine.is('message');
  }

  /** The pixel format rectangles are framed in. */
  get pixelFormat(): PixelFormat {
    return this.#pixelFormat;
  }

  /** Frames the rectangles read from now on in `pf` (the client's SetPixelFormat reached the server). */
  set pixelFormat(pf: PixelFormat) {
    this.#pixelFormat = pf;
  }

  /**
   * The next piece from `q`, consuming its bytes; `null` when `q` does not
   * hold it yet (nothing consumed). Throws TANDEM_ERR_PROTOCOL for what
   * cannot be framed, and on every call after that.
   */
  next(q: ByteQueue): ServerPiece | null {
    try {
      return this.#next(q);
    } catch (err) {
      if (!this.#machine.is('failed')) this.#machine.to('failed');
      throw err;
    }
  }

  #next(q: ByteQueue): ServerPiece | null {
    switch (this.#machine.state) {
      case 'message': return this.#message(q);
      case 'rectangle': return this.#rectangle(q);
      case 'framing': return this.#framing(q);
      case 'payload': return this.#payloadPiece(q);
      case 'refusing': throw this.#refusal ?? new TandemError('TANDEM_ERR_PROTOCOL', 'rfb: the server stream was rejected');
      case 'failed': return bad('the server stream was already rejected');
    }
  }

  #message(q: ByteQueue): ServerPiece | null {
    if (!q.has(1)) return null;
    const type = q.peekU8(0);
    switch (type) {
      case SERVER_MESSAGE.FramebufferUpdate: {
        if (!q.has(4)) return null;
        const rects = q.peekU16(2);
        this.#rectsLeft = rects;
        this.#machine.to(rects > 0 ? 'rectangle' : 'message');
        return { message: 'FramebufferUpdate', part: 'header', rects, raw: q.take(4) };
      }
      case SERVER_MESSAGE.SetColourMapEntries: {
        if (!q.has(6)) return null;
        const first = q.peekU16(2);
        const colours = q.peekU16(4);
        if (!q.has(6 + 6 * colours)) return null;
        this.#machine.to('message');
        return { message: 'SetColourMapEntries', part: 'whole', first, colours, raw: q.take(6 + 6 * colours) };
      }
      case SERVER_MESSAGE.Bell:
        this.#machine.to('message');
        return { message: 'Bell', part: 'whole', raw: q.take(1) };
      case SERVER_MESSAGE.ServerCutText: {
        if (!q.has(8)) return null;
        const length = q.peekU32(4);
        // A length with the top bit set is the Extended Clipboard pseudo-encoding's format, which this reader does not speak.
        if (length >= 0x80000000) bad('ServerCutText with an extended-clipboard length (Extended Clipboard was not negotiated)');
        this.#payload = { of: 'ServerCutText', left: length };
        this.#machine.to(length > 0 ? 'payload' : 'message');
        return { message: 'ServerCutText', part: 'header', length, raw: q.take(8) };
      }
      default:
        return bad(`unknown server message type ${type}`);
    }
  }

  #rectangle(q: ByteQueue): ServerPiece | null {
    if (!q.has(12)) return null;
    const header: RectHeader = { x: q.peekU16(0), y: q.peekU16(2), w: q.peekU16(4), h: q.peekU16(6), encoding: q.peekU32(8) | 0 };
    const framer = this.#framers.get(header.encoding);
    if (framer === undefined) bad(`a rectangle in encoding ${header.encoding}, which has no framer`);
    this.#rectsLeft -= 1;
    this.#rect = { header, framer };
    this.#machine.to('framing');
    const piece: ServerPiece = { message: 'FramebufferUpdate', part: 'rectangle', rect: header, framer, raw: q.take(12) };
    // Framed at once when the bytes are there, so a rectangle without payload (DesktopSize, LastRect) is
    // over with its header. A payload that cannot be framed fails the next call, not this one: the header
    // was taken and is returned, so what a stream yields before its error does not depend on how its
    // bytes were split (found by fuzzing, rfb/fuzz/server-message-reader.fuzz.ts).
    try {
      this.#frame(q);
    } catch (err) {
      this.#refusal = err instanceof TandemError ? err : new TandemError('TANDEM_ERR_PROTOCOL', `rfb: ${String(err)}`);
      this.#machine.to('refusing');
    }
    return piece;
  }

  #framing(q: ByteQueue): ServerPiece | null {
    this.#frame(q);
    return this.#machine.is('framing') ? null : this.#next(q);
  }

  /** Asks the rectangle's framer for its payload's length; moves on once it can tell, consuming nothing. */
  #frame(q: ByteQueue): void {
    const rect = this.#rect as { header: RectHeader; framer: RectFramer };
    const length = rect.framer.payloadLength(rect.header, q, this.#pixelFormat);
    if (length === null) return;
    if (length > 0) {
      this.#payload = { of: 'FramebufferUpdate', left: length };
      this.#machine.to('payload');
    } else {
      this.#rectDone();
    }
  }

  #payloadPiece(q: ByteQueue): ServerPiece | null {
    if (q.length === 0) return null;
    const raw = q.takeUpTo(this.#payload.left);
    this.#payload.left -= raw.length;
    const of = this.#payload.of;
    if (this.#payload.left === 0) {
      if (of === 'ServerCutText') this.#machine.to('message');
      else this.#rectDone();
    }
    return of === 'ServerCutText' ? { message: 'ServerCutText', part: 'payload', raw } : { message: 'FramebufferUpdate', part: 'payload', raw };
  }

  /** The current rectangle is over: the next one, or the update ends (its count reached, or LastRect). */
  #rectDone(): void {
    const ends = this.#rect?.framer.endsUpdate === true || this.#rectsLeft === 0;
    this.#rect = null;
    this.#machine.to(ends ? 'message' : 'rectangle');
  }
}
