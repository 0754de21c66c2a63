import type { Framebuffer, Rect } from '@tandem/rfb';

/** A cursor image: `argb` is width*height pixels of 0xAARRGGBB, premultiplied alpha (as XFIXES gives it). */
export interface CursorImage {
  width: number;
  height: number;
  hotX: number;
  hotY: number;
  argb: Uint32Array;
}

/**
 * A move of screen content (a terminal or a browser scrolling): the pixels of
 * `src` now also stand at `src` shifted by (dx, dy), exactly.
 */
export interface ScreenMove {
  src: Rect;
  dx: number;
  dy: number;
}

/**
 * What a desktop tells about itself that is not an error (it goes on): the
 * secure desktop of Windows (a UAC prompt, Ctrl+Alt+Del, the lock screen)
 * took the input, so the picture stands still and input goes nowhere; or
 * it went away again.
 */
export type DesktopNotice = 'secure-desktop' | 'secure-desktop-gone';

/** What a desktop tells its listeners. */
export interface DesktopListener {
  /** Pixels inside `rects` changed in the current framebuffer. */
  onChange(rects: readonly Rect[]): void;
  /**
   * The framebuffer's pixels in `move`'s destination were just replaced by
   * the pixels its source held before (exactly: the desktop verified them).
   * Called synchronously right after that change, before the onChange for
   * the rest of the same area; optional: a listener without it gets the
   * destination in an onChange instead.
   */
  onMove?(move: ScreenMove): void;
  /** The screen size changed; {@link DesktopSource.framebuffer} is a new buffer. */
  onResize(width: number, height: number): void;
  /** The cursor image changed. */
  onCursor(): void;
  /** Optional: something the customer and the technician should know (a {@link DesktopNotice}). */
  onNotice?(notice: DesktopNotice): void;
  /** The desktop stopped (its display went away, or close() was called). */
  onClosed(err: Error | null): void;
}

/**
 * A desktop the RFB server serves: a framebuffer in the native format
 * (32-bit B, G, R, X), change notifications, a cursor image, and input. The
 * X11 driver (x11-desktop.ts) and the Windows driver (windows/windows-desktop.ts)
 * implement it; a bridge to another VNC server can too.
 */
export interface DesktopSource {
  /** The current framebuffer. It is updated in place as the screen changes and replaced on resize. */
  framebuffer(): Framebuffer;
  /** The current cursor image, or null when none is known. */
  cursor(): CursorImage | null;
  /** Registers a listener; returns a function that removes it. */
  subscribe(listener: DesktopListener): () => void;
  /** Moves the pointer to (x, y) with RFB button mask `buttonMask` (bit 0 = button 1 ... bit 7 = button 8). */
  pointerEvent(x: number, y: number, buttonMask: number): void;
  /** Presses or releases the key for X keysym `keysym`. */
  keyEvent(keysym: number, down: boolean): void;
  /** Releases every key and button this source holds down. */
  releaseAll(): void;
  /** Stops capture and input and frees resources. */
  close(): Promise<void>;
}
