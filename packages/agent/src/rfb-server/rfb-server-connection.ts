import type { Duplex } from 'node:stream';
import { StateMachine, TandemError, toTandemError, type Transitions } from '@tandem/protocol';
import type { DesktopListener, DesktopSource, ScreenMove } from '../desktop/desktop-source.js';
import { moveDestination } from '../desktop/scroll-detect.js';
import {
  ByteQueue,
  PROTOCOL_VERSION_BYTES,
  SECURITY,
  parseProtocolVersion,
  protocolVersion,
  serverVersionFor,
  copyRectRect,
  DEFAULT_CLIENT_LIMITS,
  ENCODING,
  extendedDesktopSizeRect,
  framebufferUpdateHeader,
  interpretEncodings,
  NATIVE_FORMAT,
  parseClientMessage,
  rectHeader,
  serverInit,
  vncChallenge,
  vncVerify,
  type ClientEncodings,
  type ClientMessage,
  type RfbMinorVersion,
  type PixelFormat,
  type Rect,
} from '@tandem/rfb';
import { cursorRect } from './cursor-encoding.js';
import { DirtyRegion } from './dirty-region.js';
import { EncoderStreams, type JpegEncoder, type RectEncoder } from './encoders/encoder.js';
import { PendingCopies } from './pending-copies.js';
import { PersistentDeflate } from './zlib-stream.js';

/**
 * States of one RFB 3.8 server connection (RFC 6143 §7.1-7.3), in order:
 * version → security → (auth) → init → normal; any state → closed. A wrong
 * VNC password goes auth → rejected (the failed SecurityResult is being
 * written, nothing more is read) → closed.
 */
export type RfbServerState = 'version' | 'security' | 'auth' | 'rejected' | 'init' | 'normal' | 'closed';

/** The moves of an {@link RfbServerState}. */
export const RFB_SERVER_TRANSITIONS: Transitions<RfbServerState> = {
  version: ['security', 'auth', 'init', 'closed'],
  security: ['auth', 'init', 'closed'],
  auth: ['init', 'rejected', 'closed'],
  rejected: ['closed'],
  init: ['normal', 'closed'],
  normal: ['closed'],
  closed: [],
};

/** Options of {@link RfbServerConnection}. */
export interface RfbServerOptions {
  desktop: DesktopSource;
  encoders: ReadonlyMap<number, RectEncoder>;
  /** VNC Authentication password (first 8 bytes count); none: security type None. */
  password?: string;
  /** Desktop name in ServerInit. */
  name?: string;
  /** Whether key and pointer events reach the desktop (the gatekeeper turns this off for view only). */
  inputAllowed?: boolean;
  jpeg?: JpegEncoder | null;
  /** Called once when the connection ends; `err` is null for a clean close by the peer. */
  onClose?: (err: TandemError | null) => void;
  /** Hears every move of the connection's state: for diagnostics, and for the tests that check every transition is taken. */
  onTransition?: (from: RfbServerState, to: RfbServerState) => void;
}

/**
 * The server side of one RFB connection over any duplex byte channel (a TCP
 * socket, or the encrypted session's rfb channel). One update is in flight at
 * a time: the next is built only after the client asked for it and the
 * previous one was handed to the channel; damage in between is coalesced.
 */
export class RfbServerConnection {
  readonly #machine: StateMachine<RfbServerState>;
  readonly #channel: Duplex;
  readonly #opts: RfbServerOptions;
  readonly #in = new ByteQueue();
  #minor: RfbMinorVersion = 8;
  #challenge: Uint8Array | null = null;
  #pf: PixelFormat = NATIVE_FORMAT;
  #enc: ClientEncodings = interpretEncodings([], new Set());
  #dirty: DirtyRegion;
  /** Moves to send as CopyRect, first in the next update; with #dirty it keeps the invariant stated in pending-copies.ts. */
  readonly #copies = new PendingCopies();
  /** True while an update's pixel rectangles are being encoded from the live framebuffer: moves arriving then go as damage. */
  #encoding = false;
  #pumpScheduled = false;
  #request: Rect | null = null;
  #inFlight = false;
  #sizeChanged = false;
  #sizeReply: number | null = null; // ExtendedDesktopSize status owed to a SetDesktopSize
  #cursorDirty = false;
  #inputAllowed: boolean;
  #inputUsed = false;
  #streams = new EncoderStreams((level) => new PersistentDeflate(level));
  #unsubscribe: (() => void) | null = null;

  constructor(channel: Duplex, opts: RfbServerOptions) {
    this.#channel = channel;
    this.#opts = opts;
    this.#machine = new StateMachine({ name: 'rfb server', initial: 'version', transitions: RFB_SERVER_TRANSITIONS, onTransition: opts.onTransition });
    this.#inputAllowed = opts.inputAllowed ?? true;
    const fb = opts.desktop.framebuffer();
    this.#dirty = new DirtyRegion(fb.width, fb.height);
    channel.on('data', (chunk: Buffer) => this.#onData(chunk));
    channel.on('end', () => this.close());
    channel.on('close', () => this.close());
    channel.on('error', (err: Error) => this.fail(new TandemError('TANDEM_ERR_PEER_LOST', `rfb: channel error: ${err.message}`)));
    this.#write([protocolVersion(8)]);
  }

  /** The current state. */
  get state(): RfbServerState {
    return this.#machine.state;
  }

  /** Allows or stops input; stopping releases everything this connection held. */
  setInputAllowed(allowed: boolean): void {
    this.#inputAllowed = allowed;
    if (!allowed && this.#inputUsed) this.#opts.desktop.releaseAll();
  }

  /** Ends the connection cleanly (the peer closed, or we stop serving). */
  close(): void {
    this.#end(null);
  }

  /** Ends the connection with `error`. */
  fail(error: TandemError): void {
    this.#end(error);
  }

  /** The one teardown, idempotent; `reason` is null for a clean close. */
  #end(reason: TandemError | null): void {
    if (this.#machine.state === 'closed') return;
    this.#machine.to('closed');
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    if (this.#inputUsed) this.#opts.desktop.releaseAll();
    this.#streams.close();
    this.#in.clear();
    this.#channel.destroy();
    this.#opts.onClose?.(reason);
  }

  #write(chunks: readonly Uint8Array[], done?: () => void): void {
    if (this.#machine.state === 'closed') return;
    const last = chunks.length - 1;
    chunks.forEach((c, i) => this.#channel.write(c, i === last && done ? () => done() : undefined));
  }

  #onData(chunk: Buffer): void {
    // Rejected: whatever the client sends after a wrong password is not read.
    if (this.#machine.is('closed', 'rejected')) return;
    this.#in.push(chunk);
    try {
      while (this.#step()) { /* each step consumed one message; closed returns false */ }
    } catch (err) {
      this.fail(toTandemError(err, 'TANDEM_ERR_PROTOCOL'));
    }
  }

  /** Handles one message if whole; false when more bytes are needed. */
  #step(): boolean {
    switch (this.#machine.state) {
      case 'version': return this.#onVersion();
      case 'security': return this.#onSecurityChoice();
      case 'auth': return this.#onAuthResponse();
      case 'init': return this.#onClientInit();
      case 'normal': {
        const parsed = parseClientMessage(this.#in, DEFAULT_CLIENT_LIMITS);
        if (!parsed) return false;
        this.#onMessage(parsed.message);
        return true;
      }
      case 'rejected': return false;
      case 'closed': return false;
    }
  }

  #onVersion(): boolean {
    if (!this.#in.has(PROTOCOL_VERSION_BYTES)) return false;
    // RFC 6143 §7.1.1: 3.7 and 3.8 as such; any other version is treated as 3.3.
    this.#minor = serverVersionFor(parseProtocolVersion(this.#in.take(PROTOCOL_VERSION_BYTES), 'rfb: the client'));
    const type = this.#opts.password !== undefined ? SECURITY.vncAuth : SECURITY.none;
    if (this.#minor === 3) {
      // 3.3: the server decides the security type alone (§7.1.2, version 3.3).
      const b = Buffer.alloc(4);
      b.writeUInt32BE(type);
      this.#write([b]);
      this.#afterSecurityType(type);
    } else {
      this.#write([Uint8Array.of(1, type)]);
      this.#machine.to('security');
    }
    return true;
  }

  #onSecurityChoice(): boolean {
    if (!this.#in.has(1)) return false;
    const chosen = this.#in.take(1)[0] as number;
    const offered = this.#opts.password !== undefined ? SECURITY.vncAuth : SECURITY.none;
    if (chosen !== offered) throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: client chose security type ${chosen}, offered ${offered}`);
    this.#afterSecurityType(chosen);
    return true;
  }

  #afterSecurityType(type: number): void {
    if (type === SECURITY.vncAuth) {
      this.#challenge = vncChallenge();
      this.#write([this.#challenge]);
      this.#machine.to('auth');
      return;
    }
    // None: 3.8 still sends SecurityResult OK (§7.1.3); 3.3 and 3.7 do not.
    if (this.#minor === 8) this.#write([new Uint8Array(4)]);
    this.#machine.to('init');
  }

  #onAuthResponse(): boolean {
    if (!this.#in.has(16)) return false;
    const response = this.#in.take(16);
    const challenge = this.#challenge;
    const password = this.#opts.password;
    // `auth` is entered only with a password and a fresh challenge (#afterSecurityType).
    if (challenge === null || password === undefined) throw new TandemError('TANDEM_ERR_INTERNAL', 'rfb: VNC Authentication without a challenge');
    const ok = vncVerify(challenge, response, password);
    this.#challenge = null;
    if (ok) {
      this.#write([new Uint8Array(4)]);
      this.#machine.to('init');
      return true;
    }
    const reason = Buffer.from('Authentication failed', 'latin1');
    const b = Buffer.alloc(this.#minor === 8 ? 8 + reason.length : 4);
    b.writeUInt32BE(1, 0);
    if (this.#minor === 8) {
      b.writeUInt32BE(reason.length, 4);
      reason.copy(b, 8);
    }
    // Stop reading at once; the connection closes when the failure has been written.
    this.#machine.to('rejected');
    this.#in.clear();
    this.#write([b], () => this.fail(new TandemError('TANDEM_ERR_UNAUTHORIZED', 'rfb: wrong VNC password')));
    return false;
  }

  #onClientInit(): boolean {
    if (!this.#in.has(1)) return false;
    // The shared flag (§7.3.1) is ignored: connections always share the desktop.
    this.#in.skip(1);
    const fb = this.#opts.desktop.framebuffer();
    this.#write([serverInit(fb.width, fb.height, NATIVE_FORMAT, this.#opts.name ?? 'Tandem')]);
    this.#machine.to('normal');
    const listener: DesktopListener = {
      onChange: (rects) => { for (const r of rects) this.#dirty.add(r); this.#schedulePump(); },
      onMove: (move) => this.#onMove(move),
      onResize: () => { this.#sizeChanged = true; this.#schedulePump(); },
      onCursor: () => { this.#cursorDirty = true; this.#schedulePump(); },
      onClosed: (err) => this.fail(err ? toTandemError(err) : new TandemError('TANDEM_ERR_PEER_LOST', 'rfb: the desktop went away')),
    };
    this.#unsubscribe = this.#opts.desktop.subscribe(listener);
    return true;
  }

  #onMessage(m: ClientMessage): void {
    switch (m.type) {
      case 'SetPixelFormat':
        this.#pf = m.format;
        this.#copies.clear();
        this.#dirty.addAll();
        return;
      case 'SetEncodings':
        this.#enc = interpretEncodings(m.encodings, new Set(this.#opts.encoders.keys()));
        if (!this.#enc.copyRect) this.#copies.drop(this.#dirty);
        if (this.#enc.cursor) this.#cursorDirty = true;
        return;
      case 'FramebufferUpdateRequest':
        if (!m.incremental) this.#dirty.add(m);
        this.#request = { x: m.x, y: m.y, w: m.w, h: m.h };
        this.#pump();
        return;
      case 'KeyEvent':
        if (!this.#inputAllowed) return;
        this.#inputUsed = true;
        this.#opts.desktop.keyEvent(m.keysym, m.down);
        return;
      case 'PointerEvent': {
        if (!this.#inputAllowed) return;
        this.#inputUsed = true;
        const fb = this.#opts.desktop.framebuffer();
        this.#opts.desktop.pointerEvent(Math.min(m.x, fb.width - 1), Math.min(m.y, fb.height - 1), m.buttonMask);
        return;
      }
      case 'ClientCutText':
        // Clipboard sharing is not part of this engine yet; the text is parsed (and bounded) and dropped.
        return;
      case 'SetDesktopSize':
        if (!this.#enc.extendedDesktopSize) throw new TandemError('TANDEM_ERR_PROTOCOL', 'rfb: SetDesktopSize without ExtendedDesktopSize');
        // The customer's screen is not resized from afar: status 1, "resize is administratively prohibited".
        this.#sizeReply = 1;
        this.#pump();
        return;
    }
  }

  /**
   * A move the desktop just applied to its framebuffer: queued as a copy when
   * this client can take it now, else its destination is damage like any
   * other change (see the invariant in pending-copies.ts).
   */
  #onMove(move: ScreenMove): void {
    if (this.#machine.state !== 'normal') return;
    const fb = this.#opts.desktop.framebuffer();
    const dst = moveDestination(move);
    const fits = dst.x >= 0 && dst.y >= 0 && dst.x + dst.w <= fb.width && dst.y + dst.h <= fb.height;
    if (!this.#enc.copyRect || this.#encoding || this.#sizeChanged || !fits || this.#dirty.covers(move.src)) this.#dirty.add(dst);
    else this.#copies.add(move, this.#dirty);
    this.#schedulePump();
  }

  /**
   * Pumps once the desktop's current notifications are all in: a capture pass
   * reports a move and the rest of its damage in one synchronous run, and
   * both belong in the same update.
   */
  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  /** Sends the next update if one was asked for, none is in flight, and there is something to send. */
  #pump(): void {
    if (this.#machine.state !== 'normal' || this.#inFlight || !this.#request) return;
    if (this.#dirty.empty && this.#copies.empty && !this.#sizeChanged && !this.#cursorDirty && this.#sizeReply === null) return;
    const request = this.#request;
    this.#request = null;
    this.#inFlight = true;
    this.#sendUpdate(request).then(
      (sent) => {
        this.#inFlight = false;
        // Nothing inside the requested area: keep the request open until new damage arrives.
        if (!sent) this.#request = request;
        else this.#pump();
      },
      (err: unknown) => this.fail(toTandemError(err)),
    );
  }

  async #sendUpdate(request: Rect): Promise<boolean> {
    const desktop = this.#opts.desktop;
    const fb = desktop.framebuffer();
    const rects: Uint8Array[][] = [];
    if (this.#sizeChanged) {
      this.#sizeChanged = false;
      this.#copies.clear();
      this.#dirty.resize(fb.width, fb.height);
      this.#dirty.addAll();
      if (this.#enc.extendedDesktopSize) rects.push([extendedDesktopSizeRect(0, 0, fb.width, fb.height, ENCODING.ExtendedDesktopSize)]);
      else if (this.#enc.desktopSize) rects.push([rectHeader(0, 0, fb.width, fb.height, ENCODING.DesktopSize)]);
      else throw new TandemError('TANDEM_ERR_PROTOCOL', 'rfb: the screen size changed and the client supports neither DesktopSize nor ExtendedDesktopSize');
      // A size change ends the update (the client requests anew for the new size).
      await this.#writeUpdate(rects.map((r) => ({ count: 1, chunks: r })));
      return true;
    }
    const encoded: { count: number; chunks: Uint8Array[] }[] = [];
    if (this.#sizeReply !== null) {
      encoded.push({ count: 1, chunks: [extendedDesktopSizeRect(1, this.#sizeReply, fb.width, fb.height, ENCODING.ExtendedDesktopSize)] });
      this.#sizeReply = null;
    }
    if (this.#cursorDirty) {
      this.#cursorDirty = false;
      const c = desktop.cursor();
      if (c && this.#enc.cursor) encoded.push({ count: 1, chunks: cursorRect(c, this.#pf) });
    }
    const encoder = this.#opts.encoders.get(this.#enc.preferred[0] ?? ENCODING.Raw) ?? this.#opts.encoders.get(ENCODING.Raw);
    if (!encoder) throw new TandemError('TANDEM_ERR_INTERNAL', 'rfb: no Raw encoder registered');
    const ctx = {
      fb, pf: this.#pf, compressLevel: this.#enc.compressLevel, qualityLevel: this.#enc.qualityLevel,
      streams: this.#streams, jpeg: this.#opts.jpeg ?? null,
    };
    // Copies first: their source is the client's picture before any pixel rectangle of this update.
    // A request that does not hold them all gets their areas as pixels instead.
    if (!this.#copies.within(request)) this.#copies.drop(this.#dirty);
    for (const m of this.#copies.take()) {
      const d = moveDestination(m);
      encoded.push({ count: 1, chunks: [copyRectRect(d.x, d.y, d.w, d.h, m.src.x, m.src.y)] });
    }
    this.#encoding = true;
    try {
      for (const r of this.#dirty.take(request)) encoded.push(await encoder.encode(r, ctx));
    } finally {
      this.#encoding = false;
    }
    if (encoded.length === 0 || this.#machine.state === 'closed') return false;
    await this.#writeUpdate(encoded);
    return true;
  }

  #writeUpdate(encoded: readonly { count: number; chunks: Uint8Array[] }[]): Promise<void> {
    const total = encoded.reduce((n, e) => n + e.count, 0);
    const chunks: Uint8Array[] = [];
    if (total > 0xfffe && !this.#enc.lastRect) throw new TandemError('TANDEM_ERR_INTERNAL', `rfb: ${total} rectangles in one update`);
    if (this.#enc.lastRect) {
      // LastRect (rfbproto §7.8.4): count 0xFFFF, terminated by a LastRect rectangle.
      chunks.push(framebufferUpdateHeader(0xffff));
      for (const e of encoded) chunks.push(...e.chunks);
      chunks.push(rectHeader(0, 0, 0, 0, ENCODING.LastRect));
    } else {
      chunks.push(framebufferUpdateHeader(total));
      for (const e of encoded) chunks.push(...e.chunks);
    }
    return new Promise((resolve) => this.#write(chunks, resolve));
  }
}
