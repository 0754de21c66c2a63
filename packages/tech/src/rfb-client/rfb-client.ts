/**
 * An RFB 3.8 client (RFC 6143) over any byte channel: the technician's side
 * of the session's rfb channel, or a TCP socket in tests. Incoming bytes are
 * pushed with {@link RfbClient.receive} into a resumable queue; outgoing
 * messages go through the `send` function given.
 */
import { StateMachine, TandemError, toTandemError, type Transitions } from '@tandem/protocol';
import {
  ByteQueue,
  ENCODING,
  NATIVE_FORMAT,
  PROTOCOL_VERSION_BYTES,
  SECURITY,
  encodeClientMessage,
  parseProtocolVersion,
  protocolVersion,
  vncResponse,
  type ClientMessage,
} from '@tandem/rfb';
import type { DecodeContext, RectDecoder, RectHeader } from './decoders/decoder.js';
import { MAX_SCREEN_SIDE } from './decoders/desktop-size.js';
import { defaultDecoders } from './decoders/registry.js';
import { ClientFramebuffer } from './framebuffer.js';
import { InflateStreams } from './inflate-stream.js';
import { keysymsForText } from './keysyms.js';

/**
 * States of the client, in order (RFC 6143 §7.1-7.3): version → security →
 * (auth) → result → init → normal; any state → closed.
 */
export type RfbClientState = 'version' | 'security' | 'auth' | 'result' | 'init' | 'normal' | 'closed';

const TRANSITIONS: Transitions<RfbClientState> = {
  version: ['security', 'closed'],
  security: ['auth', 'result', 'closed'],
  auth: ['result', 'closed'],
  result: ['init', 'closed'],
  init: ['normal', 'closed'],
  normal: ['closed'],
  closed: [],
};

/** Longest reason string, desktop name or cut text read from a server. */
const MAX_TEXT = 1 << 20;

/**
 * The pixel format the client asks for: 32 bits, depth 24, little-endian,
 * red at bit 16, green 8, blue 0 (B, G, R, X in memory), which every decoder
 * here assumes.
 */
export const CLIENT_PIXEL_FORMAT = NATIVE_FORMAT;

/** The real encodings offered by default, best first: all lossless. */
export const DEFAULT_ENCODINGS: readonly number[] = [ENCODING.ZRLE, ENCODING.Zlib, ENCODING.CopyRect, ENCODING.Raw];

/** Pseudo-encodings always offered. Cursor is not: the client does not decode cursor shapes. */
const PSEUDO_ENCODINGS: readonly number[] = [ENCODING.DesktopSize, ENCODING.ExtendedDesktopSize, ENCODING.LastRect];

/** Something the client tells its owner. */
export type RfbClientEvent =
  | { type: 'screen'; width: number; height: number; name: string }
  | { type: 'resize'; width: number; height: number }
  | { type: 'update' }
  | { type: 'bell' }
  | { type: 'cut-text'; text: string }
  | { type: 'closed'; error: TandemError | null };

/** Options of {@link RfbClient}. */
export interface RfbClientOptions {
  /** Sends bytes to the server, in order; may throw or reject when the channel is gone. */
  send: (bytes: Uint8Array) => Promise<void> | void;
  /** VNC password, used only if the server offers VNC Authentication and not None. */
  password?: string;
  /** Real encodings to offer, best first (default {@link DEFAULT_ENCODINGS}); each needs a decoder. */
  encodings?: readonly number[];
  decoders?: ReadonlyMap<number, RectDecoder>;
  onEvent?: (event: RfbClientEvent) => void;
}

/** A picture of the whole screen: packed R, G, B. */
export interface RfbSnapshot {
  width: number;
  height: number;
  rgb: Uint8Array;
}

interface Coverage {
  mask: Uint8Array;
  left: number;
  /** Only updates that start after the request was sent count (one may already be on its way). */
  counting: boolean;
  resolve: (s: RfbSnapshot) => void;
  reject: (e: TandemError) => void;
  timer: ReturnType<typeof setTimeout>;
}

type Waiter = { resolve: () => void; reject: (e: TandemError) => void };

/** The client side of one RFB connection. */
export class RfbClient {
  readonly #machine = new StateMachine<RfbClientState>({ name: 'rfb client', initial: 'version', transitions: TRANSITIONS });
  readonly #opts: RfbClientOptions;
  readonly #decoders: ReadonlyMap<number, RectDecoder>;
  readonly #encodings: readonly number[];
  readonly #q = new ByteQueue();
  readonly #inflaters = new InflateStreams();
  #fb: ClientFramebuffer | null = null;
  #name = '';
  #running = false;
  #update: { left: number } | null = null;
  #rect: { header: RectHeader; decoder: RectDecoder } | null = null;
  #resized = false;
  #coverage: Coverage | null = null;
  #snapshots: Promise<unknown> = Promise.resolve();
  #readyWaiters: Waiter[] = [];
  #updateWaiters: Waiter[] = [];
  #closeError: TandemError | null = null;

  constructor(opts: RfbClientOptions) {
    const decoders = opts.decoders ?? defaultDecoders();
    const encodings = opts.encodings ?? DEFAULT_ENCODINGS;
    for (const e of encodings) {
      if (!decoders.has(e)) throw new TandemError('TANDEM_ERR_BAD_INPUT', `encodings: no decoder for encoding ${e}`);
    }
    this.#opts = opts;
    this.#decoders = decoders;
    this.#encodings = encodings;
  }

  get state(): RfbClientState {
    return this.#machine.state;
  }

  /** Screen width, 0 before ServerInit. */
  get width(): number {
    return this.#fb?.width ?? 0;
  }

  get height(): number {
    return this.#fb?.height ?? 0;
  }

  /** The desktop name from ServerInit. */
  get name(): string {
    return this.#name;
  }

  /** The client's framebuffer, null before ServerInit. */
  get framebuffer(): ClientFramebuffer | null {
    return this.#fb;
  }

  /** Feeds bytes that arrived from the server. */
  receive(bytes: Uint8Array): void {
    if (this.#machine.state === 'closed') return;
    this.#q.push(bytes);
    this.#kick();
  }

  /** Resolves once ServerInit arrived (state normal); rejects if the connection ends first or after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<void> {
    if (this.#machine.state === 'normal') return Promise.resolve();
    if (this.#machine.state === 'closed') return Promise.reject(this.#closedError());
    return new Promise((resolve, reject) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        this.#readyWaiters = this.#readyWaiters.filter((w) => w !== waiter);
        reject(new TandemError('TANDEM_ERR_TIMEOUT', `rfb: the screen stream did not start within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = { resolve: () => { clearTimeout(timer); resolve(); }, reject: (e) => { clearTimeout(timer); reject(e); } };
      this.#readyWaiters.push(waiter);
    });
  }

  /** Resolves when the next FramebufferUpdate has been drawn. */
  waitForUpdate(timeoutMs = 30_000): Promise<void> {
    if (this.#machine.state === 'closed') return Promise.reject(this.#closedError());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#updateWaiters = this.#updateWaiters.filter((w) => w !== waiter);
        reject(new TandemError('TANDEM_ERR_TIMEOUT', `rfb: no screen update within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = { resolve: () => { clearTimeout(timer); resolve(); }, reject: (e) => { clearTimeout(timer); reject(e); } };
      this.#updateWaiters.push(waiter);
    });
  }

  /**
   * Asks for the whole screen afresh (a non-incremental FramebufferUpdateRequest)
   * and resolves with it once every pixel has arrived in updates that started
   * after the request was sent. Snapshots run one after another.
   */
  snapshot(timeoutMs = 30_000): Promise<RfbSnapshot> {
    const run = (): Promise<RfbSnapshot> => this.#takeSnapshot(timeoutMs);
    const p = this.#snapshots.then(run, run);
    this.#snapshots = p.catch(() => undefined);
    return p;
  }

  async #takeSnapshot(timeoutMs: number): Promise<RfbSnapshot> {
    await this.ready(timeoutMs);
    const fb = this.#framebuffer();
    return new Promise<RfbSnapshot>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#coverage = null;
        reject(new TandemError('TANDEM_ERR_TIMEOUT', `rfb: the screen did not arrive within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#coverage = { mask: new Uint8Array(fb.width * fb.height), left: fb.width * fb.height, counting: false, resolve, reject, timer };
      this.#sendInternal({ type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: fb.width, h: fb.height });
    });
  }

  /** Sends a KeyEvent (RFC 6143 §7.5.4) once the connection is ready. */
  async keyEvent(keysym: number, down: boolean): Promise<void> {
    await this.ready();
    await this.#send({ type: 'KeyEvent', keysym, down });
  }

  /** Sends a PointerEvent (RFC 6143 §7.5.5) once the connection is ready. */
  async pointerEvent(x: number, y: number, buttonMask: number): Promise<void> {
    await this.ready();
    await this.#send({ type: 'PointerEvent', x, y, buttonMask });
  }

  /** Types `text`: for each character its keysym down, then up. Resolves when all was handed to the channel. */
  async typeText(text: string): Promise<void> {
    const keysyms = keysymsForText(text);
    await this.ready();
    const sent: Promise<void>[] = [];
    for (const keysym of keysyms) {
      sent.push(this.#send({ type: 'KeyEvent', keysym, down: true }), this.#send({ type: 'KeyEvent', keysym, down: false }));
    }
    await Promise.all(sent);
  }

  /** Clicks button 1 at (x, y): move there, press, release. */
  async click(x: number, y: number): Promise<void> {
    await this.ready();
    await Promise.all([
      this.#send({ type: 'PointerEvent', x, y, buttonMask: 0 }),
      this.#send({ type: 'PointerEvent', x, y, buttonMask: 1 }),
      this.#send({ type: 'PointerEvent', x, y, buttonMask: 0 }),
    ]);
  }

  /** Drops the connection (the stream is over); pending calls reject. */
  close(): void {
    this.#end(null);
  }

  /** Ends the client with `error`; pending calls reject with it. */
  fail(error: TandemError): void {
    this.#end(error);
  }

  /** The one teardown, idempotent; `reason` is null for a deliberate close. */
  #end(reason: TandemError | null): void {
    if (this.#machine.state === 'closed') return;
    this.#machine.to('closed');
    this.#closeError = reason;
    this.#q.clear();
    this.#inflaters.close();
    const err = this.#closedError();
    for (const w of this.#readyWaiters.splice(0)) w.reject(err);
    for (const w of this.#updateWaiters.splice(0)) w.reject(err);
    if (this.#coverage) {
      clearTimeout(this.#coverage.timer);
      this.#coverage.reject(err);
      this.#coverage = null;
    }
    this.#opts.onEvent?.({ type: 'closed', error: reason });
  }

  #closedError(): TandemError {
    return this.#closeError ?? new TandemError('TANDEM_ERR_PEER_LOST', 'rfb: the screen stream is closed');
  }

  #send(m: ClientMessage): Promise<void> {
    if (this.#machine.state === 'closed') return Promise.reject(this.#closedError());
    try {
      return Promise.resolve(this.#opts.send(encodeClientMessage(m))).catch((err: unknown) => {
        throw toTandemError(err);
      });
    } catch (err) {
      return Promise.reject(toTandemError(err));
    }
  }

  /** Sends a message of the client's own; a failure ends the connection. */
  #sendInternal(m: ClientMessage | Uint8Array): void {
    if (this.#machine.state === 'closed') return;
    const bytes = m instanceof Uint8Array ? m : encodeClientMessage(m);
    try {
      Promise.resolve(this.#opts.send(bytes)).catch((err: unknown) => this.fail(toTandemError(err)));
    } catch (err) {
      this.fail(toTandemError(err));
    }
  }

  #kick(): void {
    if (this.#running) return;
    this.#running = true;
    // #run fails the client on any error of its own; nothing else can reject.
    this.#run().catch((err: unknown) => this.fail(toTandemError(err, 'TANDEM_ERR_INTERNAL')));
  }

  async #run(): Promise<void> {
    try {
      while (this.#machine.state !== 'closed' && (await this.#step())) { /* each step handled one message or rectangle */ }
    } catch (err) {
      this.fail(toTandemError(err, 'TANDEM_ERR_PROTOCOL'));
    } finally {
      this.#running = false;
    }
  }

  /** Handles one whole message or rectangle; false when more bytes are needed. */
  async #step(): Promise<boolean> {
    switch (this.#machine.state) {
      case 'version': return this.#onVersion();
      case 'security': return this.#onSecurityTypes();
      case 'auth': return this.#onChallenge();
      case 'result': return this.#onSecurityResult();
      case 'init': return this.#onServerInit();
      case 'normal': return this.#update ? this.#onRect() : this.#onServerMessage();
      case 'closed': return false;
    }
  }

  /** A length-prefixed string at `offset` (u32 length), or null if not all there. */
  #peekString(offset: number, what: string): { text: string; size: number } | null {
    if (!this.#q.has(offset + 4)) return null;
    const len = this.#q.peekU32(offset);
    if (len > MAX_TEXT) throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: ${what} of ${len} bytes`);
    if (!this.#q.has(offset + 4 + len)) return null;
    return { text: Buffer.from(this.#q.peekBytes(len, offset + 4)).toString('latin1'), size: 4 + len };
  }

  #onVersion(): boolean {
    if (!this.#q.has(PROTOCOL_VERSION_BYTES)) return false;
    const { major, minor } = parseProtocolVersion(this.#q.take(PROTOCOL_VERSION_BYTES), 'rfb: the server');
    // RFC 6143 §7.1.1: answer with the highest version both know; this client knows 3.8 only.
    if (major < 3 || (major === 3 && minor < 8)) throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: the server speaks RFB ${major}.${minor}; this client needs 3.8`);
    this.#sendInternal(protocolVersion(8));
    this.#machine.to('security');
    return true;
  }

  #onSecurityTypes(): boolean {
    if (!this.#q.has(1)) return false;
    const n = this.#q.peekU8(0);
    if (n === 0) {
      const reason = this.#peekString(1, 'failure reason');
      if (!reason) return false;
      throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: the server refused the connection: ${reason.text}`);
    }
    if (!this.#q.has(1 + n)) return false;
    const types = [...this.#q.take(1 + n).subarray(1)];
    // §7.2: the client picks; None where offered, VNC Authentication with a password.
    if (types.includes(SECURITY.none)) {
      this.#sendInternal(Uint8Array.of(SECURITY.none));
      this.#machine.to('result');
    } else if (types.includes(SECURITY.vncAuth) && this.#opts.password !== undefined) {
      this.#sendInternal(Uint8Array.of(SECURITY.vncAuth));
      this.#machine.to('auth');
    } else {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: the server offers security types ${types.join(', ')}; this client needs None${this.#opts.password !== undefined ? ' or VNC Authentication' : ''}`);
    }
    return true;
  }

  #onChallenge(): boolean {
    if (!this.#q.has(16)) return false;
    // Chosen only with a password (#onSecurityTypes); a server that sends a challenge otherwise breaks the protocol.
    const password = this.#opts.password;
    if (password === undefined) throw new TandemError('TANDEM_ERR_PROTOCOL', 'rfb: a VNC Authentication challenge, but no password was given');
    this.#sendInternal(vncResponse(this.#q.take(16), password));
    this.#machine.to('result');
    return true;
  }

  #onSecurityResult(): boolean {
    if (!this.#q.has(4)) return false;
    const result = this.#q.peekU32(0);
    if (result !== 0) {
      // 3.8 sends a reason after a failed SecurityResult (§7.1.3).
      const reason = this.#peekString(4, 'failure reason');
      if (!reason) return false;
      throw new TandemError('TANDEM_ERR_UNAUTHORIZED', `rfb: security handshake failed: ${reason.text}`);
    }
    this.#q.skip(4);
    this.#sendInternal(Uint8Array.of(1)); // ClientInit, shared-flag 1: leave other viewers connected (§7.3.1)
    this.#machine.to('init');
    return true;
  }

  #onServerInit(): boolean {
    if (!this.#q.has(24)) return false;
    const name = this.#peekString(20, 'desktop name');
    if (!name) return false;
    const width = this.#q.peekU16(0), height = this.#q.peekU16(2);
    this.#q.skip(20 + name.size);
    if (width === 0 || height === 0 || width > MAX_SCREEN_SIDE || height > MAX_SCREEN_SIDE) throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: screen size ${width}x${height} out of range`);
    this.#fb = new ClientFramebuffer(width, height);
    this.#name = Buffer.from(name.text, 'latin1').toString('utf8');
    this.#machine.to('normal');
    // The format and encodings go before the first request, so every update uses them (§7.5.1, §7.5.2).
    this.#sendInternal({ type: 'SetPixelFormat', format: CLIENT_PIXEL_FORMAT });
    this.#sendInternal({ type: 'SetEncodings', encodings: [...this.#encodings, ...PSEUDO_ENCODINGS] });
    this.#sendInternal({ type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: width, h: height });
    this.#opts.onEvent?.({ type: 'screen', width, height, name: this.#name });
    for (const w of this.#readyWaiters.splice(0)) w.resolve();
    return true;
  }

  #onServerMessage(): boolean {
    if (!this.#q.has(1)) return false;
    const type = this.#q.peekU8(0);
    switch (type) {
      case 0: { // FramebufferUpdate (§7.6.1); 0xFFFF rectangles: until LastRect (rfbproto §7.8.4)
        if (!this.#q.has(4)) return false;
        const count = this.#q.peekU16(2);
        this.#q.skip(4);
        this.#update = { left: count === 0xffff ? Infinity : count };
        if (this.#coverage) this.#coverage.counting = true;
        if (count === 0) this.#finishUpdate();
        return true;
      }
      case 1: { // SetColourMapEntries (§7.6.2): meaningless in true colour, skipped whole
        if (!this.#q.has(6)) return false;
        const size = 6 + 6 * this.#q.peekU16(4);
        if (!this.#q.has(size)) return false;
        this.#q.skip(size);
        return true;
      }
      case 2: // Bell (§7.6.3)
        this.#q.skip(1);
        this.#opts.onEvent?.({ type: 'bell' });
        return true;
      case 3: { // ServerCutText (§7.6.4)
        const text = this.#peekString(4, 'ServerCutText');
        if (!text) return false;
        this.#q.skip(4 + text.size);
        this.#opts.onEvent?.({ type: 'cut-text', text: text.text });
        return true;
      }
      default:
        throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: unknown server message type ${type}`);
    }
  }

  async #onRect(): Promise<boolean> {
    const update = this.#update;
    if (update === null) throw new TandemError('TANDEM_ERR_INTERNAL', 'rfb: a rectangle outside a FramebufferUpdate');
    const fb = this.#framebuffer();
    if (!this.#rect) {
      if (!this.#q.has(12)) return false;
      const header: RectHeader = { x: this.#q.peekU16(0), y: this.#q.peekU16(2), w: this.#q.peekU16(4), h: this.#q.peekU16(6), encoding: this.#q.peekU32(8) | 0 };
      this.#q.skip(12);
      if (header.encoding === ENCODING.LastRect) {
        this.#finishUpdate();
        return true;
      }
      const decoder = this.#decoders.get(header.encoding);
      if (!decoder) throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: rectangle in encoding ${header.encoding}, which this client does not decode`);
      if (!decoder.pseudo) fb.checkRect(header.x, header.y, header.w, header.h, `${decoder.name} rectangle`);
      this.#rect = { header, decoder };
    }
    const { header, decoder } = this.#rect;
    if (!(await decoder.decode(header, this.#q, this.#context()))) return false;
    this.#rect = null;
    if (!decoder.pseudo) this.#cover(header);
    if (--update.left === 0) this.#finishUpdate();
    return true;
  }

  #context(): DecodeContext {
    return {
      fb: this.#framebuffer(),
      inflaters: this.#inflaters,
      onResize: (width, height) => {
        this.#resized = true;
        if (this.#coverage) {
          this.#coverage.mask = new Uint8Array(width * height);
          this.#coverage.left = width * height;
        }
        this.#opts.onEvent?.({ type: 'resize', width, height });
      },
    };
  }

  /** The framebuffer, which exists from ServerInit on (§7.3.2); everything that draws comes after it. */
  #framebuffer(): ClientFramebuffer {
    if (this.#fb === null) throw new TandemError('TANDEM_ERR_INTERNAL', 'rfb: no framebuffer before ServerInit');
    return this.#fb;
  }

  #cover(r: RectHeader): void {
    const c = this.#coverage;
    if (!c || !c.counting || r.w === 0 || r.h === 0) return;
    const width = this.#framebuffer().width;
    for (let y = r.y; y < r.y + r.h; y++) {
      const row = y * width;
      for (let x = r.x; x < r.x + r.w; x++) {
        if (c.mask[row + x] === 0) {
          c.mask[row + x] = 1;
          c.left--;
        }
      }
    }
  }

  #finishUpdate(): void {
    this.#update = null;
    const fb = this.#framebuffer();
    const c = this.#coverage;
    if (c && c.counting && c.left === 0) {
      this.#coverage = null;
      clearTimeout(c.timer);
      c.resolve({ width: fb.width, height: fb.height, rgb: fb.toRgb() });
    }
    // After a size change the whole new screen is wanted, not only what changes (§7.8.2).
    const incremental = !this.#resized;
    this.#resized = false;
    this.#sendInternal({ type: 'FramebufferUpdateRequest', incremental, x: 0, y: 0, w: fb.width, h: fb.height });
    this.#opts.onEvent?.({ type: 'update' });
    for (const w of this.#updateWaiters.splice(0)) w.resolve();
  }
}
