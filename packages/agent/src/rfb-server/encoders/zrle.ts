import { ENCODING, rectHeader, type Framebuffer, type Rect } from '@tandem/rfb';
import { compactWriter, writeCompactRect, type CompactWriter } from './compact-pixels.js';
import type { RectEncoder } from './encoder.js';
import { packedSize, packIndices, PaletteAnalyser, rectWords } from './palette.js';

const TILE = 64;
/** Palette RLE carries up to 127 colours (subencodings 130-255). */
const MAX_RLE_PALETTE = 127;
/** Packed palette carries up to 16 colours (subencodings 2-16). */
const MAX_PACKED_PALETTE = 16;

const SUB_RAW = 0;
const SUB_SOLID = 1;
const SUB_PLAIN_RLE = 128;

/**
 * ZRLE (RFC 6143 §7.7.6): 64x64 tiles, all through one persistent zlib
 * stream. One pass over a tile finds its palette (up to 127 colours) and its
 * runs; a tile of one colour is solid (subencoding 1), of 2-16 colours packed
 * palette (2-16), otherwise the smallest of palette RLE (130-255), plain RLE
 * (128) and raw CPIXELs (0) by their exact sizes before zlib (libvncserver's
 * rule, which x11vnc uses).
 */
export const zrleEncoder: RectEncoder = {
  encoding: ENCODING.ZRLE,
  name: 'ZRLE',
  async encode(rect, ctx) {
    const data = encodeZrleTiles(ctx.fb, rect, compactWriter(ctx.pf));
    const z = await ctx.streams.get('zrle', ctx.compressLevel).compress([data], ctx.compressLevel);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(z.length, 0);
    return { count: 1, chunks: [rectHeader(rect.x, rect.y, rect.w, rect.h, ENCODING.ZRLE), len, z] };
  },
};

/**
 * The uncompressed tile data of ZRLE rectangle `rect` (what goes into the
 * zlib stream), tiles left to right, top to bottom.
 */
export function encodeZrleTiles(fb: Framebuffer, rect: Rect, writer: CompactWriter): Uint8Array {
  const cols = Math.ceil(rect.w / TILE), rows = Math.ceil(rect.h / TILE);
  // Every tile takes at most its raw size (the choice below never picks a larger one) plus its subencoding byte.
  const out = new Uint8Array(rect.w * rect.h * writer.bytes + cols * rows);
  const a = new PaletteAnalyser();
  let o = 0;
  for (let ty = rect.y; ty < rect.y + rect.h; ty += TILE) {
    for (let tx = rect.x; tx < rect.x + rect.w; tx += TILE) {
      const t: Rect = { x: tx, y: ty, w: Math.min(TILE, rect.x + rect.w - tx), h: Math.min(TILE, rect.y + rect.h - ty) };
      o += encodeTile(fb, t, writer, a, out, o);
    }
  }
  return out.subarray(0, o);
}

/** Writes one tile at `pos` of `out`; returns its bytes. */
function encodeTile(fb: Framebuffer, t: Rect, writer: CompactWriter, a: PaletteAnalyser, out: Uint8Array, pos: number): number {
  const cb = writer.bytes;
  a.analyse(fb, t, MAX_RLE_PALETTE, true);
  if (a.fits && a.size === 1) {
    out[pos] = SUB_SOLID;
    return 1 + writer.write(out, pos + 1, a.palette[0] as number);
  }
  const n = t.w * t.h;
  const raw = n * cb;
  // Sizes after the subencoding byte (§7.7.6): a run-length is floor((length - 1) / 255) + 1 bytes.
  // Up to 16 colours the packed palette is kept even when an RLE form is shorter before zlib: bit-packed
  // rows (text, UI) compress better in the zlib stream than runs (measured on the xterm benchmark: 3% fewer bytes).
  // (Never past the raw size, which bounds the output buffer: tiny edge tiles go on to the comparison below.)
  if (a.fits && a.size <= MAX_PACKED_PALETTE && a.size * cb + packedSize(t.w, t.h, bitsFor(a.size)) <= raw) {
    out[pos] = a.size;
    let o = pos + 1;
    for (let i = 0; i < a.size; i++) o += writer.write(out, o, a.palette[i] as number);
    o += packIndices(a.indices, t.w, t.h, bitsFor(a.size), out, o);
    return o - pos;
  }
  let best = SUB_RAW;
  let bestSize = raw;
  const plain = (a.runs + a.singles) * (cb + 1) + a.runExtra;
  if (plain < bestSize) { best = SUB_PLAIN_RLE; bestSize = plain; }
  if (a.fits && a.size * cb + a.singles + 2 * a.runs + a.runExtra < bestSize) best = SUB_PLAIN_RLE + a.size;
  out[pos] = best;
  let o = pos + 1;
  if (best === SUB_RAW) return 1 + writeCompactRect(out, o, t, fb, writer);
  if (best === SUB_PLAIN_RLE) return 1 + writePlainRle(fb, t, writer, out, o);
  for (let i = 0; i < a.size; i++) o += writer.write(out, o, a.palette[i] as number);
  o += writePaletteRle(a.indices, n, out, o);
  return o - pos;
}

/** Bits per packed index for a palette of `size` colours (RFC 6143 §7.7.6). */
function bitsFor(size: number): number {
  return size <= 2 ? 1 : size <= 4 ? 2 : 4;
}

/** A run length as ZRLE writes it: (length - 1) as bytes of 255 and a final byte below 255. */
function writeRunLength(out: Uint8Array, pos: number, length: number): number {
  let o = pos;
  let rest = length - 1;
  while (rest >= 255) {
    out[o++] = 255;
    rest -= 255;
  }
  out[o++] = rest;
  return o - pos;
}

/** Palette RLE: per run its index, with the top bit and a run length when longer than one. */
function writePaletteRle(idx: Uint8Array, n: number, out: Uint8Array, pos: number): number {
  let o = pos;
  let i = 0;
  while (i < n) {
    const v = idx[i] as number;
    let j = i + 1;
    while (j < n && idx[j] === v) j++;
    if (j - i === 1) out[o++] = v;
    else {
      out[o++] = v | 0x80;
      o += writeRunLength(out, o, j - i);
    }
    i = j;
  }
  return o - pos;
}

/** Plain RLE: per run a CPIXEL and its run length, runs continuing across rows. */
function writePlainRle(fb: Framebuffer, t: Rect, writer: CompactWriter, out: Uint8Array, pos: number): number {
  const { words, base, stride } = rectWords(fb, t);
  let o = pos;
  let last = -1, len = 0;
  for (let y = 0; y < t.h; y++) {
    let p = base + y * stride;
    const end = p + t.w;
    for (; p < end; p++) {
      const c = (words[p] as number) & 0xffffff;
      if (c === last) {
        len++;
        continue;
      }
      if (len > 0) {
        o += writer.write(out, o, last);
        o += writeRunLength(out, o, len);
      }
      last = c;
      len = 1;
    }
  }
  o += writer.write(out, o, last);
  o += writeRunLength(out, o, len);
  return o - pos;
}
