import { ENCODING } from '../encodings.js';
import { compactBytesPerPixel, writeCompactPixel, type EncodeContextPixel } from './compact-pixels.js';
import { rectHeader } from '../server-messages.js';
import type { Rect } from '../pixel-format.js';
import type { RectEncoder } from './encoder.js';
import { collectPalette, packIndices } from './palette.js';

const TILE = 64;

/**
 * ZRLE (RFC 6143 §7.7.6): 64x64 tiles, each solid (subencoding 1), packed
 * palette of 2 to 16 colours (2-16) or raw CPIXELs (0), all through one
 * persistent zlib stream. Plain and palette RLE (128, 130+) are not produced:
 * zlib already folds the runs the packed palette leaves.
 */
export const zrleEncoder: RectEncoder = {
  encoding: ENCODING.ZRLE,
  name: 'ZRLE',
  async encode(rect, ctx) {
    const parts: Uint8Array[] = [];
    for (let ty = rect.y; ty < rect.y + rect.h; ty += TILE) {
      for (let tx = rect.x; tx < rect.x + rect.w; tx += TILE) {
        const t: Rect = { x: tx, y: ty, w: Math.min(TILE, rect.x + rect.w - tx), h: Math.min(TILE, rect.y + rect.h - ty) };
        parts.push(encodeTile(t, ctx));
      }
    }
    const data = await ctx.streams.get('zrle', ctx.compressLevel).compress(parts, ctx.compressLevel);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length, 0);
    return { count: 1, chunks: [rectHeader(rect.x, rect.y, rect.w, rect.h, ENCODING.ZRLE), len, data] };
  },
};

function encodeTile(t: Rect, ctx: EncodeContextPixel): Uint8Array {
  const cbpp = compactBytesPerPixel(ctx.pf);
  const palette = collectPalette(ctx.fb, t, 16);
  if (palette && palette.length === 1) {
    const out = new Uint8Array(1 + cbpp);
    out[0] = 1;
    writeCompactPixel(out, 1, palette[0] as number, ctx);
    return out;
  }
  if (palette) {
    const bits = palette.length <= 2 ? 1 : palette.length <= 4 ? 2 : 4;
    const packed = packIndices(ctx.fb, t, palette, bits);
    const out = new Uint8Array(1 + palette.length * cbpp + packed.length);
    out[0] = palette.length;
    let o = 1;
    for (const c of palette) o += writeCompactPixel(out, o, c, ctx);
    out.set(packed, o);
    return out;
  }
  const out = new Uint8Array(1 + t.w * t.h * cbpp);
  out[0] = 0;
  writeCompactRect(out, 1, t, ctx);
  return out;
}

/** Writes every pixel of `t` as CPIXELs from `pos`. */
export function writeCompactRect(out: Uint8Array, pos: number, t: Rect, ctx: EncodeContextPixel): number {
  const { fb } = ctx;
  const d = fb.data;
  let o = pos;
  for (let y = t.y; y < t.y + t.h; y++) {
    let p = y * fb.stride + t.x * 4;
    for (let x = 0; x < t.w; x++, p += 4) {
      o += writeCompactPixel(out, o, ((d[p + 2] as number) << 16) | ((d[p + 1] as number) << 8) | (d[p] as number), ctx);
    }
  }
  return o - pos;
}
