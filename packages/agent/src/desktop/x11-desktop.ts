import x11 from 'x11';
import type { X11Client, X11Damage, X11Display, X11Event, X11Fixes, X11Randr, X11Shm, X11ShmSegment, X11Xtest } from 'x11';
import { TandemError } from '@tandem/protocol';
import type { Framebuffer, Rect } from '@tandem/rfb';
import type { CursorImage, DesktopListener, DesktopSource } from './desktop-source.js';
import { KeyboardMap } from './keyboard-map.js';
import { bounds, clip, takeCapture } from './tile-diff.js';
import { X11Input } from './x11-input.js';

const Z_PIXMAP = 2;
/** Capture passes are at least this far apart (about 60 per second), so bursts of damage coalesce. */
const MIN_PASS_MS = 16;

/** Calls an x11 request and resolves with its reply; `return true` tells x11 the error was handled. */
function call<T>(fn: (cb: (err: Error | null, result: T) => unknown) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, result) => {
    if (err) reject(err);
    else resolve(result);
    return true;
  }));
}

/** Options of {@link X11Desktop.open}. */
export interface X11DesktopOptions {
  /** X display, e.g. ":0"; default $DISPLAY. */
  display?: string;
  /** Use MIT-SHM when the server allows it (default true). */
  shm?: boolean;
  /** Look for vertical scrolls in damaged areas and report them as moves (default true). */
  scrollDetection?: boolean;
}

/**
 * The built-in desktop engine on X11: DAMAGE tells what changed, GetImage
 * (through an MIT-SHM segment when possible) reads only those areas, a 32x32
 * tile comparison against the previous frame drops false damage, a row-hash
 * search finds vertical scrolls and reports them as moves, XFIXES gives
 * the cursor image, RandR screen changes resize, and XTEST injects input.
 * Nothing is read while the screen does not change.
 */
export class X11Desktop implements DesktopSource {
  readonly #X: X11Client;
  readonly #root: number;
  readonly #damage: X11Damage;
  readonly #damageId: number;
  readonly #fixes: X11Fixes;
  readonly #region: number;
  readonly #input: X11Input;
  #fb: Framebuffer;
  #shm: X11ShmSegment | null = null;
  #useShm: boolean;
  #scrolls = true;
  #cursor: CursorImage | null = null;
  #listeners = new Set<DesktopListener>();
  #passTimer: NodeJS.Timeout | null = null;
  #passRunning = false;
  #passWanted = false;
  #lastPass = 0;
  #closed = false;

  private constructor(X: X11Client, root: number, damage: X11Damage, fixes: X11Fixes, input: X11Input, fb: Framebuffer, useShm: boolean) {
    this.#X = X;
    this.#root = root;
    this.#damage = damage;
    this.#fixes = fixes;
    this.#input = input;
    this.#fb = fb;
    this.#useShm = useShm;
    this.#damageId = X.AllocID();
    this.#region = X.AllocID();
  }

  /** Connects to the display, checks its extensions, and reads the first full frame. */
  static async open(opts: X11DesktopOptions = {}): Promise<X11Desktop> {
    const display = opts.display ?? process.env.DISPLAY;
    if (!display) throw new TandemError('TANDEM_ERR_BAD_INPUT', 'display: no X display given and $DISPLAY is not set');
    const d = await call<X11Display>((cb) => x11.createClient({ display, shm: opts.shm !== false }, cb).on('error', (err) => cb(err, undefined as unknown as X11Display)));
    const X = d.client;
    const screen = d.screen[0];
    if (!screen) throw new TandemError('TANDEM_ERR_INTERNAL', `display ${display}: no screen`);
    const fmt = d.format[String(screen.root_depth)];
    if (screen.root_depth !== 24 || fmt?.bits_per_pixel !== 32 || d.image_byte_order !== 0) {
      X.terminate();
      throw new TandemError('TANDEM_ERR_INTERNAL', `display ${display}: depth ${screen.root_depth}, ${fmt?.bits_per_pixel} bits per pixel, byte order ${d.image_byte_order}: only depth 24 in 32-bit little-endian pixels is supported`);
    }
    const need = async <T>(name: 'damage' | 'fixes' | 'randr' | 'xtest', what: string): Promise<T> => {
      try {
        return await call<T>((cb) => X.require(name as 'damage', cb as never));
      } catch (err) {
        X.terminate();
        throw new TandemError('TANDEM_ERR_INTERNAL', `display ${display}: the ${what} extension is missing (${(err as Error).message})`);
      }
    };
    const damage = await need<X11Damage>('damage', 'DAMAGE');
    const fixes = await need<X11Fixes>('fixes', 'XFIXES');
    const randr = await need<X11Randr>('randr', 'RANDR');
    const xtest = await need<X11Xtest>('xtest', 'XTEST');
    let useShm = false;
    if (opts.shm !== false && d.isLocalSocket) {
      // No MIT-SHM is not an error: plain GetImage works everywhere, only slower.
      const shm = await call<X11Shm>((cb) => X.require('shm', cb)).catch(() => null);
      useShm = shm !== null && (await call<boolean>((cb) => shm.usable(cb)));
    }
    const rows = await call<number[][]>((cb) => X.GetKeyboardMapping(d.min_keycode, d.max_keycode - d.min_keycode + 1, cb));
    const mods = await call<number[][]>((cb) => X.GetModifierMapping(cb));
    const input = new X11Input(X, xtest, screen.root, new KeyboardMap(d.min_keycode, rows, mods));
    const w = screen.pixel_width, h = screen.pixel_height;
    const fb: Framebuffer = { width: w, height: h, stride: w * 4, data: new Uint8Array(w * h * 4) };
    const desk = new X11Desktop(X, screen.root, damage, fixes, input, fb, useShm);
    desk.#scrolls = opts.scrollDetection !== false;
    await desk.#start(randr);
    return desk;
  }

  async #start(randr: X11Randr): Promise<void> {
    const X = this.#X;
    X.on('event', (ev) => this.#onEvent(ev));
    // X protocol errors of requests without replies (say a GetImage racing a resize) are not fatal; the next pass retries.
    X.on('error', () => undefined);
    X.on('end', () => this.#shutdown(new TandemError('TANDEM_ERR_PEER_LOST', 'the X display closed')));
    this.#fixes.CreateRegion(this.#region, []);
    // NonEmpty: one event when the damage region becomes non-empty; the pass empties it with Subtract (DAMAGE §5).
    this.#damage.Create(this.#damageId, this.#root, this.#damage.ReportLevel.NonEmpty);
    this.#fixes.SelectCursorInput(this.#root, this.#fixes.CursorNotifyMask.DisplayCursor);
    randr.SelectInput(this.#root, randr.NotifyMask.ScreenChange);
    if (this.#useShm) this.#shm = await this.#newSegment();
    await this.#readRect({ x: 0, y: 0, w: this.#fb.width, h: this.#fb.height }, true);
    await this.#refreshCursor();
  }

  async #newSegment(): Promise<X11ShmSegment | null> {
    return call<X11ShmSegment>((cb) => (this.#X.require as (n: 'shm', c: (e: Error | null, s: X11Shm) => unknown) => void)('shm', (e, shm) => {
      if (e) return cb(e, undefined as unknown as X11ShmSegment);
      shm.createSegment(this.#fb.width * this.#fb.height * 4, cb);
      return true;
    })).catch(() => {
      this.#useShm = false;
      return null;
    });
  }

  #onEvent(ev: X11Event): void {
    if (this.#closed) return;
    if (ev.name === 'DamageNotify') this.#schedulePass();
    else if (ev.name === 'CursorNotify') this.#refreshCursor().catch((err: unknown) => this.#broken(err));
    else if (ev.name === 'RRScreenChangeNotify') this.#resize(ev.width as number, ev.height as number).catch((err: unknown) => this.#broken(err));
  }

  #schedulePass(): void {
    this.#passWanted = true;
    if (this.#passTimer || this.#passRunning) return;
    const wait = Math.max(0, this.#lastPass + MIN_PASS_MS - Date.now());
    this.#passTimer = setTimeout(() => {
      this.#passTimer = null;
      this.#pass().catch((err: unknown) => this.#broken(err));
    }, wait);
  }

  /** One capture pass: take the damage region, read those areas, keep the tiles that really changed. */
  async #pass(): Promise<void> {
    if (this.#closed) return;
    this.#passRunning = true;
    this.#passWanted = false;
    this.#lastPass = Date.now();
    try {
      this.#damage.Subtract(this.#damageId, 0, this.#region);
      const region = await call<{ rectangles: { x: number; y: number; width: number; height: number }[] }>((cb) => this.#fixes.FetchRegion(this.#region, cb));
      let rects = region.rectangles.map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height }));
      // Many small rectangles cost more in round trips than one read of their bounds.
      if (rects.length > 16) rects = [bounds(rects)];
      // Read every area first, then take them into the framebuffer and tell the listeners in one synchronous run:
      // a move must reach them together with its framebuffer change, and a whole pass makes one update.
      const images: { r: Rect; data: Uint8Array }[] = [];
      for (const r of rects) {
        const c = clip(r, this.#fb);
        const data = await this.#readImage(c);
        // The MIT-SHM segment is reused by the next read: keep a copy when more reads follow (new Uint8Array copies; Buffer#slice would not).
        if (data) images.push({ r: c, data: this.#shm && images.length < rects.length - 1 ? new Uint8Array(data) : data });
      }
      for (const { r, data } of images) this.#takeImage(r, data, false);
    } catch {
      // A failed read (a resize in between) is redone on the next damage; force one.
      this.#passWanted = true;
    } finally {
      this.#passRunning = false;
    }
    if (this.#passWanted && !this.#closed) this.#schedulePass();
  }

  /** Reads `r` from the screen (null when empty). */
  async #readImage(r: Rect): Promise<Uint8Array | null> {
    if (r.w <= 0 || r.h <= 0) return null;
    if (this.#shm) {
      const seg = this.#shm;
      const rep = await call<{ size: number }>((cb) => seg.getImage(this.#root, r.x, r.y, r.w, r.h, 0xffffffff, Z_PIXMAP, 0, cb));
      return seg.buffer.subarray(0, rep.size);
    }
    return (await call<{ data: Buffer }>((cb) => this.#X.GetImage(Z_PIXMAP, this.#root, r.x, r.y, r.w, r.h, 0xffffffff, cb))).data;
  }

  /** Reads `r` into the framebuffer without comparing or notifying (first frame, resize). */
  async #readRect(r: Rect, all: boolean): Promise<void> {
    const data = await this.#readImage(r);
    if (data) this.#takeImage(r, data, all);
  }

  /** Takes the image `data` of `r` into the framebuffer and tells the listeners (tile-diff.ts); `all` notifies nobody. */
  #takeImage(r: Rect, data: Uint8Array, all: boolean): void {
    takeCapture(this.#fb, r, data, { all, scrolls: this.#scrolls }, this.#listeners);
  }

  async #refreshCursor(): Promise<void> {
    try {
      const c = await call<{ width: number; height: number; xhot: number; yhot: number; cursorImage: Buffer }>((cb) => this.#fixes.GetCursorImage(cb));
      const argb = new Uint32Array(c.width * c.height);
      for (let i = 0; i < argb.length; i++) argb[i] = c.cursorImage.readUInt32LE(i * 4);
      this.#cursor = { width: c.width, height: c.height, hotX: c.xhot, hotY: c.yhot, argb };
      for (const l of this.#listeners) l.onCursor();
    } catch {
      // No cursor image (none set yet): clients keep the last one.
    }
  }

  async #resize(width: number, height: number): Promise<void> {
    if (width === this.#fb.width && height === this.#fb.height) return;
    this.#fb = { width, height, stride: width * 4, data: new Uint8Array(width * height * 4) };
    if (this.#shm) {
      this.#shm.detach();
      this.#shm = await this.#newSegment();
    }
    await this.#readRect({ x: 0, y: 0, w: width, h: height }, true).catch(() => this.#schedulePass());
    for (const l of this.#listeners) l.onResize(width, height);
  }

  framebuffer(): Framebuffer {
    return this.#fb;
  }

  cursor(): CursorImage | null {
    return this.#cursor;
  }

  /** True when frames are read through MIT-SHM. */
  get usesShm(): boolean {
    return this.#shm !== null;
  }

  subscribe(listener: DesktopListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  pointerEvent(x: number, y: number, buttonMask: number): void {
    if (!this.#closed) this.#input.pointer(x, y, buttonMask);
  }

  keyEvent(keysym: number, down: boolean): void {
    if (!this.#closed) this.#input.key(keysym, down);
  }

  releaseAll(): void {
    if (!this.#closed) this.#input.releaseAll();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#input.releaseAll();
    this.#damage.Destroy(this.#damageId);
    this.#fixes.DestroyRegion(this.#region);
    // A round trip so the releases reach the server before the connection goes.
    await call((cb) => this.#X.GetInputFocus(cb)).catch(() => undefined);
    this.#shutdown(null);
  }

  /** What escapes a capture step means the display connection is unusable: the desktop stops with it. */
  #broken(err: unknown): void {
    this.#shutdown(err instanceof Error ? err : new Error(String(err)));
  }

  #shutdown(err: Error | null): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#passTimer) clearTimeout(this.#passTimer);
    this.#X.terminate();
    for (const l of this.#listeners) l.onClosed(err);
    this.#listeners.clear();
  }
}
