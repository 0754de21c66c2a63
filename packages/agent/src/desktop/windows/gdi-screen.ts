/**
 * The Windows screen through GDI: the virtual screen's bounds (all
 * monitors, GetSystemMetrics SM_XVIRTUALSCREEN…), the monitors
 * (EnumDisplayMonitors), and a full frame read with BitBlt from the screen
 * DC into a 32-bit top-down DIB section whose bits are the framebuffer's
 * native format (B, G, R, X). Works everywhere GDI does (Wine included);
 * DXGI Desktop Duplication would replace the read on real Windows 8+.
 */
import { TandemError } from '@tandem/protocol';
import type { Rect } from '@tandem/rfb';
import type { WindowsFfi } from '../../platform/windows/ffi.js';

type Handle = unknown;

const SM_XVIRTUALSCREEN = 76, SM_YVIRTUALSCREEN = 77, SM_CXVIRTUALSCREEN = 78, SM_CYVIRTUALSCREEN = 79;
const SRCCOPY = 0x00cc0020, CAPTUREBLT = 0x40000000;
const DIB_RGB_COLORS = 0, BI_RGB = 0;
/** sizeof(BITMAPINFOHEADER). */
const BITMAPINFOHEADER_SIZE = 40;

/** The GDI functions a screen read needs (MSDN names). */
interface GdiFunctions {
  GetSystemMetrics: (index: number) => number;
  GetDC: (hwnd: Handle) => Handle;
  ReleaseDC: (hwnd: Handle, dc: Handle) => number;
  CreateCompatibleDC: (dc: Handle) => Handle;
  DeleteDC: (dc: Handle) => boolean;
  CreateDIBSection: (dc: Handle, info: Buffer, usage: number, bits: [unknown], section: Handle, offset: number) => Handle;
  SelectObject: (dc: Handle, obj: Handle) => Handle;
  DeleteObject: (obj: Handle) => boolean;
  BitBlt: (dst: Handle, x: number, y: number, w: number, h: number, src: Handle, sx: number, sy: number, rop: number) => boolean;
  GdiFlush: () => boolean;
  EnumDisplayMonitors: (dc: Handle, clip: Handle, proc: unknown, data: number) => boolean;
  /** The RECT struct and MONITORENUMPROC's pointer type, for the callback. */
  RECT: unknown;
  MONITORENUMPROC: unknown;
}

/** A BITMAPINFOHEADER for a 32-bit top-down DIB of `w` x `h` (MSDN: BITMAPINFOHEADER, negative height = top-down). */
export function dibHeader(w: number, h: number): Buffer {
  const b = Buffer.alloc(BITMAPINFOHEADER_SIZE);
  b.writeUInt32LE(BITMAPINFOHEADER_SIZE, 0);
  b.writeInt32LE(w, 4);
  b.writeInt32LE(-h, 8);
  b.writeUInt16LE(1, 12); // biPlanes
  b.writeUInt16LE(32, 14); // biBitCount
  b.writeUInt32LE(BI_RGB, 16);
  return b;
}

/** Declares the GDI functions of {@link GdiScreen} through `ffi`. */
function declare(ffi: WindowsFfi): GdiFunctions {
  const k = ffi.koffi;
  const RECT = k.struct({ left: 'int32_t', top: 'int32_t', right: 'int32_t', bottom: 'int32_t' });
  const MONITORENUMPROC = k.proto('__stdcall', null, 'bool', ['void *', 'void *', k.pointer(RECT), 'intptr_t']);
  return {
    GetSystemMetrics: ffi.func('user32', 'int __stdcall GetSystemMetrics(int nIndex)'),
    GetDC: ffi.func('user32', 'void * __stdcall GetDC(void *hWnd)'),
    ReleaseDC: ffi.func('user32', 'int __stdcall ReleaseDC(void *hWnd, void *hDC)'),
    CreateCompatibleDC: ffi.func('gdi32', 'void * __stdcall CreateCompatibleDC(void *hdc)'),
    DeleteDC: ffi.func('gdi32', 'bool __stdcall DeleteDC(void *hdc)'),
    CreateDIBSection: ffi.func('gdi32', 'void * __stdcall CreateDIBSection(void *hdc, const void *pbmi, uint32_t usage, _Out_ void **ppvBits, void *hSection, uint32_t offset)'),
    SelectObject: ffi.func('gdi32', 'void * __stdcall SelectObject(void *hdc, void *h)'),
    DeleteObject: ffi.func('gdi32', 'bool __stdcall DeleteObject(void *ho)'),
    BitBlt: ffi.func('gdi32', 'bool __stdcall BitBlt(void *hdc, int x, int y, int cx, int cy, void *hdcSrc, int x1, int y1, uint32_t rop)'),
    GdiFlush: ffi.func('gdi32', 'bool __stdcall GdiFlush()'),
    EnumDisplayMonitors: ffi.funcOf('user32', 'EnumDisplayMonitors', 'bool', ['void *', 'void *', k.pointer(MONITORENUMPROC), 'intptr_t']),
    RECT,
    MONITORENUMPROC: k.pointer(MONITORENUMPROC),
  };
}

/** The screen of one Windows session, read whole at each {@link GdiScreen.read}. */
export class GdiScreen {
  readonly #ffi: WindowsFfi;
  readonly #fn: GdiFunctions;
  readonly #screenDc: Handle;
  readonly #memDc: Handle;
  #bitmap: Handle = null;
  #old: Handle = null;
  #bits: Uint8Array = new Uint8Array(0);
  #bounds: Rect = { x: 0, y: 0, w: 0, h: 0 };
  #closed = false;

  constructor(ffi: WindowsFfi) {
    this.#ffi = ffi;
    this.#fn = declare(ffi);
    this.#screenDc = this.#fn.GetDC(null);
    if (!this.#screenDc) throw new TandemError('TANDEM_ERR_INTERNAL', 'GetDC(NULL) failed: the screen cannot be read');
    this.#memDc = this.#fn.CreateCompatibleDC(this.#screenDc);
    if (!this.#memDc) {
      this.#fn.ReleaseDC(null, this.#screenDc);
      throw new TandemError('TANDEM_ERR_INTERNAL', 'CreateCompatibleDC failed: the screen cannot be read');
    }
    this.#allocate(this.virtualScreen());
  }

  /** The virtual screen (every monitor) in screen coordinates. */
  virtualScreen(): Rect {
    const f = this.#fn;
    return { x: f.GetSystemMetrics(SM_XVIRTUALSCREEN), y: f.GetSystemMetrics(SM_YVIRTUALSCREEN), w: f.GetSystemMetrics(SM_CXVIRTUALSCREEN), h: f.GetSystemMetrics(SM_CYVIRTUALSCREEN) };
  }

  /** The monitors' rectangles in screen coordinates (EnumDisplayMonitors). */
  monitors(): Rect[] {
    const out: Rect[] = [];
    const k = this.#ffi.koffi;
    const cb = k.register((_monitor: unknown, _dc: unknown, rect: unknown) => {
      const r = k.decode(rect, this.#fn.RECT as never) as { left: number; top: number; right: number; bottom: number };
      out.push({ x: r.left, y: r.top, w: r.right - r.left, h: r.bottom - r.top });
      return true;
    }, this.#fn.MONITORENUMPROC as never);
    try {
      this.#fn.EnumDisplayMonitors(null, null, cb, 0);
    } finally {
      k.unregister(cb);
    }
    return out;
  }

  /** The bounds of the last {@link read} (and of its pixels). */
  get bounds(): Rect {
    return this.#bounds;
  }

  /**
   * Reads the whole virtual screen; returns its pixels (bounds.w * 4 bytes
   * per row, top-down, B G R X) in a buffer that the next read overwrites.
   * When the virtual screen changed size the buffer is new and `bounds` says so.
   */
  read(): Uint8Array {
    if (this.#closed) throw new TandemError('TANDEM_ERR_INTERNAL', 'the GDI screen is closed');
    const now = this.virtualScreen();
    const b = this.#bounds;
    if (now.x !== b.x || now.y !== b.y || now.w !== b.w || now.h !== b.h) this.#allocate(now);
    const r = this.#bounds;
    // CAPTUREBLT: layered (translucent) windows too (MSDN: BitBlt).
    if (!this.#fn.BitBlt(this.#memDc, 0, 0, r.w, r.h, this.#screenDc, r.x, r.y, SRCCOPY | CAPTUREBLT)) {
      throw new TandemError('TANDEM_ERR_INTERNAL', 'BitBlt from the screen failed');
    }
    // The DIB section's bits are written by GDI; flush its batch before reading them (MSDN: CreateDIBSection).
    this.#fn.GdiFlush();
    return this.#bits;
  }

  #allocate(r: Rect): void {
    if (r.w <= 0 || r.h <= 0) throw new TandemError('TANDEM_ERR_INTERNAL', `the virtual screen has no area (${r.w}x${r.h})`);
    this.#release();
    const bits: [unknown] = [null];
    const bitmap = this.#fn.CreateDIBSection(this.#memDc, dibHeader(r.w, r.h), DIB_RGB_COLORS, bits, null, 0);
    if (!bitmap || !bits[0]) throw new TandemError('TANDEM_ERR_INTERNAL', `CreateDIBSection ${r.w}x${r.h} failed`);
    this.#bitmap = bitmap;
    this.#old = this.#fn.SelectObject(this.#memDc, bitmap);
    this.#bits = new Uint8Array(this.#ffi.koffi.view(bits[0], r.w * r.h * 4));
    this.#bounds = r;
  }

  #release(): void {
    if (this.#bitmap === null) return;
    this.#fn.SelectObject(this.#memDc, this.#old);
    this.#fn.DeleteObject(this.#bitmap);
    this.#bitmap = null;
    this.#bits = new Uint8Array(0);
  }

  /** Frees the DIB section and the DCs. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
    this.#fn.DeleteDC(this.#memDc);
    this.#fn.ReleaseDC(null, this.#screenDc);
  }
}
