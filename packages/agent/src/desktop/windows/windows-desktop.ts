/**
 * The Windows desktop driver: the virtual screen (every monitor) read with
 * GDI at a steady pace (gdi-screen.ts), compared in 32x32 tiles against the
 * previous frame (tile-diff.ts, shared with the X11 driver: Windows tells a
 * user-mode program nothing about what changed, so the comparison is the
 * change detection) and searched for scrolls (scroll-detect.ts, sent as
 * CopyRect), the cursor shape when it changes (windows-cursor.ts),
 * a change of the virtual screen's size as a resize, input through SendInput
 * (windows-input.ts), and the secure desktop noticed (input-desktop.ts);
 * the process is made DPI aware first (dpi-awareness.ts), so pixels and
 * pointer coordinates are the monitors' own on a scaled display.
 *
 * GDI is the path everywhere, and the only one under Wine. DXGI Desktop
 * Duplication (dirty and move rectangles from the compositor) is what real
 * Windows 8+ would add; this driver does not use it yet (docs/benchmarks.md
 * says what it would change).
 */
import { TandemError } from '@tandem/protocol';
import type { Framebuffer, Rect } from '@tandem/rfb';
import { WindowsFfi } from '../../platform/windows/ffi.js';
import type { CursorImage, DesktopListener, DesktopSource } from '../desktop-source.js';
import { takeCapture } from '../tile-diff.js';
import { makeDpiAware, type DpiAwareness } from './dpi-awareness.js';
import { GdiScreen } from './gdi-screen.js';
import { InputDesktopProbe, type InputDesktop } from './input-desktop.js';
import { WindowsCursor } from './windows-cursor.js';
import { WindowsInput } from './windows-input.js';

/** Default pause between two capture passes (about 20 frames a second at most). */
const POLL_MS = 50;
/** After this many passes without a change the pace slows to {@link IDLE_POLL_MS} (a still screen costs less), until something changes or input comes. */
const IDLE_AFTER_PASSES = 20;
const IDLE_POLL_MS = 200;
/** The input desktop is asked about every this many passes (about once a second at full pace). */
const DESKTOP_CHECK_PASSES = 20;
/** Reads that fail this many times in a row, on the user's own desktop, stop the driver. */
const MAX_FAILED_READS = 60;

/** Options of {@link WindowsDesktop.open}. */
export interface WindowsDesktopOptions {
  /** Pause between capture passes, ms (default 50). */
  pollMs?: number;
  /** For tests and the benchmark: the FFI to use (default: loaded here). */
  ffi?: WindowsFfi;
}

/** The desktop of the Windows session the agent runs in. */
export class WindowsDesktop implements DesktopSource {
  readonly #ffi: WindowsFfi;
  /** True when the FFI was loaded here (and is closed here). */
  readonly #ownFfi: boolean;
  readonly #screen: GdiScreen;
  readonly #cursorReader: WindowsCursor;
  readonly #probe: InputDesktopProbe;
  readonly #input: WindowsInput;
  readonly #pollMs: number;
  readonly #listeners = new Set<DesktopListener>();
  #fb: Framebuffer;
  #cursor: CursorImage | null = null;
  #timer: NodeJS.Timeout | null = null;
  #passes = 0;
  /** Passes in a row that found nothing changed. */
  #stillPasses = 0;
  #failedReads = 0;
  #inputDesktop: InputDesktop = 'default';
  #dpi: DpiAwareness = 'unchanged';
  #closed = false;

  private constructor(ffi: WindowsFfi, ownFfi: boolean, pollMs: number) {
    this.#ffi = ffi;
    this.#ownFfi = ownFfi;
    this.#pollMs = pollMs;
    // Before any metric or pixel is read: a scaled monitor would give scaled ones otherwise.
    this.#dpi = makeDpiAware(ffi);
    this.#screen = new GdiScreen(ffi);
    this.#cursorReader = new WindowsCursor(ffi);
    this.#probe = new InputDesktopProbe(ffi);
    this.#input = new WindowsInput(ffi, () => ({ w: this.#fb.width, h: this.#fb.height }));
    const bits = this.#screen.read();
    const b = this.#screen.bounds;
    this.#fb = { width: b.w, height: b.h, stride: b.w * 4, data: new Uint8Array(bits) };
    this.#cursor = this.#cursorReader.poll();
    this.#inputDesktop = this.#probe.state();
  }

  /** Loads the Windows functions, reads the first frame, and starts the capture passes. */
  static open(opts: WindowsDesktopOptions = {}): Promise<WindowsDesktop> {
    const pollMs = opts.pollMs ?? POLL_MS;
    if (!Number.isInteger(pollMs) || pollMs < 1 || pollMs > 10_000) return Promise.reject(new TandemError('TANDEM_ERR_BAD_INPUT', `pollMs must be 1..10000, not ${pollMs}`));
    const ffi = opts.ffi ?? WindowsFfi.load();
    try {
      const desk = new WindowsDesktop(ffi, opts.ffi === undefined, pollMs);
      desk.#schedule();
      return Promise.resolve(desk);
    } catch (err) {
      if (opts.ffi === undefined) ffi.close();
      return Promise.reject(err instanceof TandemError ? err : new TandemError('TANDEM_ERR_INTERNAL', `the Windows screen cannot be read: ${(err as Error).message}`));
    }
  }

  /** The monitors in screen coordinates (the framebuffer is their bounding box, the virtual screen). */
  monitors(): Rect[] {
    return this.#screen.monitors();
  }

  /** How the process was made DPI aware (dpi-awareness.ts). */
  get dpiAwareness(): DpiAwareness {
    return this.#dpi;
  }

  /** Which desktop had the input at the last check. */
  get inputDesktop(): InputDesktop {
    return this.#inputDesktop;
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      try {
        this.#pass();
      } catch (err) {
        this.#shutdown(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      this.#schedule();
    }, this.#stillPasses >= IDLE_AFTER_PASSES ? Math.max(this.#pollMs, IDLE_POLL_MS) : this.#pollMs);
  }

  /** One capture pass: the input desktop now and then, the frame, the cursor. */
  #pass(): void {
    if (++this.#passes % DESKTOP_CHECK_PASSES === 0) this.#checkInputDesktop();
    let bits: Uint8Array;
    try {
      bits = this.#screen.read();
      this.#failedReads = 0;
    } catch (err) {
      // The secure desktop (or a display change under way) makes reads fail for a while; the frame stays as it was.
      this.#checkInputDesktop();
      if (this.#inputDesktop === 'default' && ++this.#failedReads >= MAX_FAILED_READS) throw err;
      return;
    }
    const b = this.#screen.bounds;
    let changed = true;
    if (b.w !== this.#fb.width || b.h !== this.#fb.height) {
      this.#fb = { width: b.w, height: b.h, stride: b.w * 4, data: new Uint8Array(bits) };
      for (const l of this.#listeners) l.onResize(b.w, b.h);
    } else {
      // A scroll in the frame (a terminal, a browser) is found as on X11 and sent as CopyRect.
      changed = takeCapture(this.#fb, { x: 0, y: 0, w: b.w, h: b.h }, bits, { all: false, scrolls: true }, this.#listeners);
    }
    const cursor = this.#cursorReader.poll();
    if (cursor) {
      this.#cursor = cursor;
      for (const l of this.#listeners) l.onCursor();
    }
    this.#stillPasses = changed || cursor ? 0 : this.#stillPasses + 1;
  }

  #checkInputDesktop(): void {
    const now = this.#probe.state();
    if (now === this.#inputDesktop) return;
    this.#inputDesktop = now;
    // The input goes nowhere while the secure desktop has it: what the technician holds is let go of.
    if (now === 'secure') this.#input.releaseAll();
    for (const l of this.#listeners) l.onNotice?.(now === 'secure' ? 'secure-desktop' : 'secure-desktop-gone');
  }

  framebuffer(): Framebuffer {
    return this.#fb;
  }

  cursor(): CursorImage | null {
    return this.#cursor;
  }

  subscribe(listener: DesktopListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  pointerEvent(x: number, y: number, buttonMask: number): void {
    if (this.#closed) return;
    this.#input.pointer(x, y, buttonMask);
    this.#awake();
  }

  keyEvent(keysym: number, down: boolean): void {
    if (this.#closed) return;
    this.#input.key(keysym, down);
    this.#awake();
  }

  /** Input usually changes the screen: back to the full pace, with the next pass soon. */
  #awake(): void {
    if (this.#stillPasses < IDLE_AFTER_PASSES) return;
    this.#stillPasses = 0;
    if (this.#timer) clearTimeout(this.#timer);
    this.#schedule();
  }

  releaseAll(): void {
    if (!this.#closed) this.#input.releaseAll();
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#input.releaseAll();
      this.#shutdown(null);
    }
    return Promise.resolve();
  }

  #shutdown(err: Error | null): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#cursorReader.close();
    this.#screen.close();
    if (this.#ownFfi) this.#ffi.close();
    for (const l of this.#listeners) l.onClosed(err);
    this.#listeners.clear();
  }
}
