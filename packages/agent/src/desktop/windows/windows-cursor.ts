/**
 * The Windows cursor's shape for the RFB Cursor pseudo-encoding: the
 * current cursor (GetCursorInfo), its bitmaps (GetIconInfo, then GetDIBits
 * of the colour and mask bitmaps at 32 bits per pixel), turned into
 * premultiplied 0xAARRGGBB as the desktop interface wants. A colour cursor
 * with an alpha channel keeps it; one without takes its transparency from the
 * AND mask; a monochrome cursor (no colour bitmap: the mask holds AND above
 * XOR) is black, white, transparent, or, where it inverts the screen, black.
 * A cursor whose image cannot be read is shown as the arrow.
 */
import type { CursorImage } from '../desktop-source.js';
import type { WindowsFfi } from '../../platform/windows/ffi.js';
import { dibHeader } from './gdi-screen.js';

type Handle = unknown;

/** CURSORINFO.flags: the cursor is showing (MSDN: CURSORINFO). */
const CURSOR_SHOWING = 1;
const DIB_RGB_COLORS = 0;
/** sizeof(CURSORINFO) on x64; sizeof(BITMAP) on x64. */
const CURSORINFO_SIZE = 24, BITMAP_SIZE = 32;
/** sizeof(ICONINFO) on x64. */
const ICONINFO_SIZE = 32;
/** The system cursors (MSDN: LoadCursorW, IDC_ARROW … IDC_HELP). */
const SYSTEM_CURSORS = [32512, 32513, 32514, 32515, 32516, 32642, 32643, 32644, 32645, 32646, 32648, 32649, 32650, 32651];

interface CursorFunctions {
  GetCursorInfo: (info: Buffer) => boolean;
  GetIconInfo: (cursor: Handle, info: Buffer) => boolean;
  GetObjectW: (obj: Handle, size: number, out: Buffer) => number;
  GetDIBits: (dc: Handle, bitmap: Handle, start: number, lines: number, bits: Buffer, info: Buffer, usage: number) => number;
  CreateCompatibleDC: (dc: Handle) => Handle;
  DeleteDC: (dc: Handle) => boolean;
  DeleteObject: (obj: Handle) => boolean;
  LoadCursorW: (instance: Handle, name: number) => Handle;
}

/**
 * Turns a cursor's 32-bit colour pixels (B G R A, or null for a monochrome
 * cursor) and its mask's pixels (32-bit, white where the AND bit is 1; for a
 * monochrome cursor twice as tall: AND then XOR) into premultiplied ARGB.
 */
export function cursorArgb(width: number, height: number, color: Uint8Array | null, mask: Uint8Array): Uint32Array {
  const argb = new Uint32Array(width * height);
  const hasAlpha = color !== null && color.some((_, i) => i % 4 === 3 && color[i] !== 0);
  for (let i = 0; i < width * height; i++) {
    const andBit = (mask[i * 4] ?? 0) !== 0;
    if (color !== null) {
      const b = color[i * 4] ?? 0, g = color[i * 4 + 1] ?? 0, r = color[i * 4 + 2] ?? 0;
      if (hasAlpha) {
        const a = color[i * 4 + 3] ?? 0;
        // GDI's 32-bit cursor colours are already premultiplied (MSDN: "Alpha blending" of icons, AlphaBlend's AC_SRC_ALPHA).
        argb[i] = ((a << 24) | (r << 16) | (g << 8) | b) >>> 0;
      } else {
        argb[i] = andBit ? 0 : (0xff000000 | (r << 16) | (g << 8) | b) >>> 0;
      }
      continue;
    }
    const xorBit = (mask[(width * height + i) * 4] ?? 0) !== 0;
    if (andBit && !xorBit) argb[i] = 0;
    else if (!andBit && xorBit) argb[i] = 0xffffffff;
    else argb[i] = 0xff000000;
  }
  return argb;
}

/** Reads the current cursor, and its image when its handle changed. */
export class WindowsCursor {
  readonly #fn: CursorFunctions;
  readonly #dc: Handle;
  /** This process's own arrow (IDC_ARROW), shown for a cursor whose image cannot be read. */
  readonly #arrow: Handle;
  #last: bigint | null = null;

  constructor(ffi: WindowsFfi) {
    this.#fn = {
      GetCursorInfo: ffi.func('user32', 'bool __stdcall GetCursorInfo(_Inout_ void *pci)'),
      GetIconInfo: ffi.func('user32', 'bool __stdcall GetIconInfo(void *hIcon, _Out_ void *piconinfo)'),
      GetObjectW: ffi.func('gdi32', 'int __stdcall GetObjectW(void *h, int c, _Out_ void *pv)'),
      GetDIBits: ffi.func('gdi32', 'int __stdcall GetDIBits(void *hdc, void *hbm, uint32_t start, uint32_t cLines, _Out_ void *lpvBits, _Inout_ void *lpbmi, uint32_t usage)'),
      CreateCompatibleDC: ffi.func('gdi32', 'void * __stdcall CreateCompatibleDC(void *hdc)'),
      DeleteDC: ffi.func('gdi32', 'bool __stdcall DeleteDC(void *hdc)'),
      DeleteObject: ffi.func('gdi32', 'bool __stdcall DeleteObject(void *ho)'),
      LoadCursorW: ffi.func('user32', 'void * __stdcall LoadCursorW(void *hInstance, uintptr_t lpCursorName)'),
    };
    this.#dc = this.#fn.CreateCompatibleDC(null);
    // Loaded once here, the system cursors' handles (which other programs show) can be read in this process too:
    // Wine keeps cursor images per process and answers GetIconInfo only for those it loaded; Windows needs no such step.
    for (const id of SYSTEM_CURSORS) this.#fn.LoadCursorW(null, id);
    this.#arrow = this.#fn.LoadCursorW(null, SYSTEM_CURSORS[0] ?? 0);
  }

  /** The new cursor image when the cursor changed since the last call; null when it did not, or is hidden, or cannot be read. */
  poll(): CursorImage | null {
    const info = Buffer.alloc(CURSORINFO_SIZE);
    info.writeUInt32LE(CURSORINFO_SIZE, 0);
    if (!this.#fn.GetCursorInfo(info)) return null;
    if ((info.readUInt32LE(4) & CURSOR_SHOWING) === 0) return null;
    const handle = info.readBigUInt64LE(8);
    if (handle === this.#last || handle === 0n) return null;
    // A cursor of another program that this process cannot read (Wine keeps cursor images per process) is shown as the arrow.
    const image = this.#image(handle) ?? this.#image(this.#arrow);
    if (image) this.#last = handle;
    return image;
  }

  #image(handle: Handle): CursorImage | null {
    const f = this.#fn;
    const icon = Buffer.alloc(ICONINFO_SIZE);
    // koffi gives and takes pointers as bigints: the handles read from the structs go back as they are.
    if (!f.GetIconInfo(handle, icon)) return null;
    const hotX = icon.readUInt32LE(4), hotY = icon.readUInt32LE(8);
    const maskBm = icon.readBigUInt64LE(16), colorBm = icon.readBigUInt64LE(24);
    try {
      const bm = Buffer.alloc(BITMAP_SIZE);
      if (maskBm === 0n || f.GetObjectW(maskBm, BITMAP_SIZE, bm) === 0) return null;
      const width = bm.readInt32LE(4), maskHeight = bm.readInt32LE(8);
      const height = colorBm === 0n ? maskHeight / 2 : maskHeight;
      if (width <= 0 || height <= 0 || width > 256 || height > 256) return null;
      const mask = this.#bits(maskBm, width, maskHeight);
      const color = colorBm === 0n ? null : this.#bits(colorBm, width, height);
      if (mask === null || (colorBm !== 0n && color === null)) return null;
      return { width, height, hotX, hotY, argb: cursorArgb(width, height, color, mask) };
    } finally {
      // GetIconInfo makes copies of the bitmaps; the caller frees them (MSDN: GetIconInfo).
      if (maskBm !== 0n) f.DeleteObject(maskBm);
      if (colorBm !== 0n) f.DeleteObject(colorBm);
    }
  }

  #bits(bitmap: bigint, w: number, h: number): Uint8Array | null {
    const out = Buffer.alloc(w * h * 4);
    const lines = this.#fn.GetDIBits(this.#dc, bitmap, 0, h, out, dibHeader(w, h), DIB_RGB_COLORS);
    return lines === h ? out : null;
  }

  close(): void {
    this.#fn.DeleteDC(this.#dc);
  }
}
