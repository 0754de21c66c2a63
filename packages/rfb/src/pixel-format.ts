import { TandemError } from '@tandem/protocol';

/** An RFB PIXEL_FORMAT (RFC 6143 §7.4). */
export interface PixelFormat {
  bitsPerPixel: 8 | 16 | 32;
  depth: number;
  bigEndian: boolean;
  trueColour: boolean;
  redMax: number;
  greenMax: number;
  blueMax: number;
  redShift: number;
  greenShift: number;
  blueShift: number;
}

/**
 * The server's own format, and the layout of every framebuffer in this module:
 * 32 bits per pixel, little-endian, red in bits 16-23, green 8-15, blue 0-7,
 * which is byte order B, G, R, X in memory, as an X server's ZPixmap at depth 24.
 */
export const NATIVE_FORMAT: PixelFormat = Object.freeze({
  bitsPerPixel: 32,
  depth: 24,
  bigEndian: false,
  trueColour: true,
  redMax: 255,
  greenMax: 255,
  blueMax: 255,
  redShift: 16,
  greenShift: 8,
  blueShift: 0,
});

/** Serialises a pixel format into its 16 wire bytes. */
export function encodePixelFormat(pf: PixelFormat): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  b[0] = pf.bitsPerPixel;
  b[1] = pf.depth;
  b[2] = pf.bigEndian ? 1 : 0;
  b[3] = pf.trueColour ? 1 : 0;
  v.setUint16(4, pf.redMax);
  v.setUint16(6, pf.greenMax);
  v.setUint16(8, pf.blueMax);
  b[10] = pf.redShift;
  b[11] = pf.greenShift;
  b[12] = pf.blueShift;
  return b;
}

function isMask(max: number): boolean {
  return max > 0 && (max & (max + 1)) === 0;
}

/**
 * Parses and validates 16 wire bytes. Only true-colour formats of 8, 16 or 32
 * bits per pixel are accepted: colour-map formats would need
 * SetColourMapEntries, which this server does not implement.
 */
export function decodePixelFormat(b: Uint8Array): PixelFormat {
  if (b.length !== 16) throw new TandemError('TANDEM_ERR_PROTOCOL', `pixel format: must be 16 bytes, got ${b.length}`);
  const v = new DataView(b.buffer, b.byteOffset, 16);
  const bpp = b[0] as number;
  if (bpp !== 8 && bpp !== 16 && bpp !== 32) throw new TandemError('TANDEM_ERR_PROTOCOL', `pixel format: bits-per-pixel ${bpp} is not 8, 16 or 32`);
  const pf: PixelFormat = {
    bitsPerPixel: bpp,
    depth: b[1] as number,
    bigEndian: b[2] !== 0,
    trueColour: b[3] !== 0,
    redMax: v.getUint16(4),
    greenMax: v.getUint16(6),
    blueMax: v.getUint16(8),
    redShift: b[10] as number,
    greenShift: b[11] as number,
    blueShift: b[12] as number,
  };
  if (!pf.trueColour) throw new TandemError('TANDEM_ERR_PROTOCOL', 'pixel format: colour-map formats are not supported; ask for true colour');
  for (const [name, max, shift] of [['red', pf.redMax, pf.redShift], ['green', pf.greenMax, pf.greenShift], ['blue', pf.blueMax, pf.blueShift]] as const) {
    if (!isMask(max)) throw new TandemError('TANDEM_ERR_PROTOCOL', `pixel format: ${name}-max ${max} is not 2^n - 1`);
    if (shift + Math.log2(max + 1) > bpp) throw new TandemError('TANDEM_ERR_PROTOCOL', `pixel format: ${name} (max ${max} shift ${shift}) does not fit in ${bpp} bits`);
  }
  return pf;
}

/**
 * Parses a server's own pixel format (ServerInit, RFC 6143 §7.3.2) as far as
 * reading its messages needs: a colour-map format is taken as it is (the
 * server may have one; only a client is held to true colour), a true-colour
 * one is validated as {@link decodePixelFormat} does. Bits per pixel must be
 * 8, 16 or 32 either way: every rectangle's size depends on it.
 */
export function decodeServerPixelFormat(b: Uint8Array): PixelFormat {
  if (b.length !== 16 || b[3] !== 0) return decodePixelFormat(b);
  const bpp = b[0] as number;
  if (bpp !== 8 && bpp !== 16 && bpp !== 32) throw new TandemError('TANDEM_ERR_PROTOCOL', `pixel format: bits-per-pixel ${bpp} is not 8, 16 or 32`);
  const v = new DataView(b.buffer, b.byteOffset, 16);
  return {
    bitsPerPixel: bpp, depth: b[1] as number, bigEndian: b[2] !== 0, trueColour: false,
    redMax: v.getUint16(4), greenMax: v.getUint16(6), blueMax: v.getUint16(8),
    redShift: b[10] as number, greenShift: b[11] as number, blueShift: b[12] as number,
  };
}

/** Bytes per pixel of `pf`. */
export function bytesPerPixel(pf: PixelFormat): number {
  return pf.bitsPerPixel >> 3;
}

/**
 * How ZRLE's CPIXEL and Tight's TPIXEL pack a pixel (RFC 6143 §7.7.6): three
 * bytes when the format is 32-bit true colour, depth at most 24, and all colour
 * bits fit in the three least (offset 0) or most (offset 1) significant bytes.
 * Returns the byte offset within the 4 wire bytes to keep, or -1 for no packing.
 */
export function compactPixelOffset(pf: PixelFormat): number {
  if (pf.bitsPerPixel !== 32 || pf.depth > 24 || !pf.trueColour) return -1;
  let mask = 0;
  mask |= pf.redMax * 2 ** pf.redShift;
  mask |= pf.greenMax * 2 ** pf.greenShift;
  mask |= pf.blueMax * 2 ** pf.blueShift;
  mask >>>= 0;
  const fitsLow = (mask & 0xff000000) === 0;
  const fitsHigh = (mask & 0x000000ff) === 0;
  if (fitsLow) return pf.bigEndian ? 1 : 0;
  if (fitsHigh) return pf.bigEndian ? 0 : 1;
  return -1;
}

/** Bytes per CPIXEL/TPIXEL for `pf`. */
export function compactBytesPerPixel(pf: PixelFormat): number {
  return compactPixelOffset(pf) >= 0 ? 3 : bytesPerPixel(pf);
}

/** True when `pf` lays pixels out exactly as {@link NATIVE_FORMAT}. */
export function isNative(pf: PixelFormat): boolean {
  return pf.bitsPerPixel === 32 && !pf.bigEndian && pf.redMax === 255 && pf.greenMax === 255 && pf.blueMax === 255 &&
    pf.redShift === 16 && pf.greenShift === 8 && pf.blueShift === 0;
}

/**
 * Converts one native pixel value (0xRRGGBB) into `pf`'s pixel value.
 * Channels are scaled by truncation to the client's bit count, as servers do.
 */
export function convertPixel(rgb: number, pf: PixelFormat): number {
  const r = (rgb >>> 16) & 0xff;
  const g = (rgb >>> 8) & 0xff;
  const b = rgb & 0xff;
  const rv = Math.floor((r * (pf.redMax + 1)) / 256);
  const gv = Math.floor((g * (pf.greenMax + 1)) / 256);
  const bv = Math.floor((b * (pf.blueMax + 1)) / 256);
  return (rv * 2 ** pf.redShift + gv * 2 ** pf.greenShift + bv * 2 ** pf.blueShift) >>> 0;
}

/** Writes pixel value `v` as `bpp` bytes in `pf`'s byte order. */
export function writePixel(out: Uint8Array, pos: number, v: number, pf: PixelFormat): void {
  switch (pf.bitsPerPixel) {
    case 8:
      out[pos] = v;
      return;
    case 16:
      if (pf.bigEndian) { out[pos] = v >>> 8; out[pos + 1] = v & 0xff; } else { out[pos] = v & 0xff; out[pos + 1] = v >>> 8; }
      return;
    case 32:
      if (pf.bigEndian) {
        out[pos] = v >>> 24; out[pos + 1] = (v >>> 16) & 0xff; out[pos + 2] = (v >>> 8) & 0xff; out[pos + 3] = v & 0xff;
      } else {
        out[pos] = v & 0xff; out[pos + 1] = (v >>> 8) & 0xff; out[pos + 2] = (v >>> 16) & 0xff; out[pos + 3] = v >>> 24;
      }
  }
}

/** A rectangle in framebuffer coordinates. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A native-format framebuffer (see {@link NATIVE_FORMAT}); `stride` in bytes. */
export interface Framebuffer {
  width: number;
  height: number;
  stride: number;
  data: Uint8Array;
}

/** Reads the native pixel (0xRRGGBB) at (x, y). */
export function nativeAt(fb: Framebuffer, x: number, y: number): number {
  const p = y * fb.stride + x * 4;
  const d = fb.data;
  return ((d[p + 2] as number) << 16) | ((d[p + 1] as number) << 8) | (d[p] as number);
}

/** True on little-endian hosts, where a Uint32Array over native pixels reads 0xXXRRGGBB. */
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * The framebuffer's pixels as 32-bit words (0xXXRRGGBB each), or null when
 * the host is big-endian or the buffer is not 4-byte aligned; callers then
 * read bytes. Index of (x, y) is `y * (stride / 4) + x`.
 */
export function nativeWords(fb: Framebuffer): Uint32Array | null {
  const d = fb.data;
  if (!HOST_LITTLE_ENDIAN || d.byteOffset % 4 !== 0 || fb.stride % 4 !== 0) return null;
  return new Uint32Array(d.buffer, d.byteOffset, d.byteLength >> 2);
}

/** Scale of one 8-bit channel to `max` (2^n - 1) by truncation, as {@link convertPixel} does, as a shift. */
function channelShift(max: number): number {
  return Math.round(Math.log2(max + 1)) - 8;
}

/**
 * A function from native colour (0xRRGGBB) to `pf`'s pixel value, equal to
 * {@link convertPixel} but with the format's arithmetic resolved once: the
 * per-pixel cost is a few shifts.
 */
export function pixelConverter(pf: PixelFormat): (rgb: number) => number {
  if (pf.redMax === 255 && pf.greenMax === 255 && pf.blueMax === 255) {
    if (pf.redShift === 16 && pf.greenShift === 8 && pf.blueShift === 0) return (rgb) => rgb;
    const rs = pf.redShift, gs = pf.greenShift, bs = pf.blueShift;
    return (rgb) => ((((rgb >>> 16) & 0xff) << rs) | (((rgb >>> 8) & 0xff) << gs) | ((rgb & 0xff) << bs)) >>> 0;
  }
  const rd = channelShift(pf.redMax), gd = channelShift(pf.greenMax), bd = channelShift(pf.blueMax);
  const rs = pf.redShift, gs = pf.greenShift, bs = pf.blueShift;
  // A channel wider than 8 bits scales up (shift left); narrower truncates (shift right).
  const ch = (v: number, d: number): number => (d >= 0 ? v << d : v >>> -d);
  return (rgb) => ((ch((rgb >>> 16) & 0xff, rd) << rs) | (ch((rgb >>> 8) & 0xff, gd) << gs) | (ch(rgb & 0xff, bd) << bs)) >>> 0;
}

/**
 * Copies `rect` of `fb` into the client's pixel format, rows packed with no
 * padding (the layout Raw, Zlib and Tight's copy filter send).
 */
export function translateRect(fb: Framebuffer, rect: Rect, pf: PixelFormat): Uint8Array {
  const bpp = bytesPerPixel(pf);
  const out = new Uint8Array(rect.w * rect.h * bpp);
  const src = fb.data;
  if (isNative(pf)) {
    for (let row = 0; row < rect.h; row++) {
      const s = (rect.y + row) * fb.stride + rect.x * 4;
      out.set(src.subarray(s, s + rect.w * 4), row * rect.w * 4);
    }
    return out;
  }
  const conv = pixelConverter(pf);
  const words = nativeWords(fb);
  let o = 0;
  // Small cache: screens are mostly runs of one colour.
  let lastRgb = -1;
  let lastV = 0;
  for (let row = 0; row < rect.h; row++) {
    let s = (rect.y + row) * fb.stride + rect.x * 4;
    for (let col = 0; col < rect.w; col++, s += 4, o += bpp) {
      const rgb = words ? (words[s >> 2] as number) & 0xffffff
        : ((src[s + 2] as number) << 16) | ((src[s + 1] as number) << 8) | (src[s] as number);
      if (rgb !== lastRgb) {
        lastRgb = rgb;
        lastV = conv(rgb);
      }
      writePixel(out, o, lastV, pf);
    }
  }
  return out;
}
