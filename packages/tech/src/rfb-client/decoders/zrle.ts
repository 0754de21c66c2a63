import { TandemError } from '@tandem/protocol';
import { ENCODING } from '@tandem/rfb';
import type { ClientFramebuffer } from '../framebuffer.js';
import { MAX_ZLIB_PAYLOAD, type RectDecoder, type RectHeader } from './decoder.js';

const TILE = 64;
/** CPIXEL size for the client's pixel format: 32-bit, depth 24, colours in the low three bytes (RFC 6143 §7.7.6). */
const CPIXEL = 3;

function bad(message: string): never {
  throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: ZRLE ${message}`);
}

/**
 * ZRLE (RFC 6143 §7.7.6): a 4-byte length, then zlib data (the connection's
 * one "zrle" stream) holding 64x64 tiles left to right, top to bottom, each
 * with a subencoding: 0 raw CPIXELs, 1 solid, 2-16 packed palette, 128 plain
 * RLE, 130-255 palette RLE; 17-127 and 129 are unused and rejected.
 */
export const zrleDecoder: RectDecoder = {
  encoding: ENCODING.ZRLE,
  name: 'ZRLE',
  pseudo: false,
  async decode(rect, q, ctx) {
    if (!q.has(4)) return false;
    const len = q.peekU32(0);
    if (len > MAX_ZLIB_PAYLOAD) bad(`rectangle of ${len} bytes`);
    if (!q.has(4 + len)) return false;
    const data = q.take(4 + len).subarray(4);
    // Bound on legal tile data: per tile a subencoding byte and a palette of up to 127 CPIXELs,
    // per pixel at most a CPIXEL and a run-length byte (plain RLE with runs of one).
    const tiles = Math.ceil(rect.w / TILE) * Math.ceil(rect.h / TILE);
    const d = await ctx.inflaters.get('zrle').inflate(data, tiles * (1 + 127 * CPIXEL) + rect.w * rect.h * (CPIXEL + 1));
    const used = drawTiles(rect, d, ctx.fb);
    if (used !== d.length) bad(`data has ${d.length - used} bytes past its last tile`);
    return true;
  },
};

/** Draws every tile of `rect` from the inflated data; returns the bytes used. */
export function drawTiles(rect: RectHeader, d: Uint8Array, fb: ClientFramebuffer): number {
  const r = new TileReader(d);
  for (let ty = rect.y; ty < rect.y + rect.h; ty += TILE) {
    for (let tx = rect.x; tx < rect.x + rect.w; tx += TILE) {
      drawTile(tx, ty, Math.min(TILE, rect.x + rect.w - tx), Math.min(TILE, rect.y + rect.h - ty), r, fb);
    }
  }
  return r.pos;
}

class TileReader {
  pos = 0;
  constructor(readonly d: Uint8Array) {}

  u8(): number {
    if (this.pos >= this.d.length) bad('data ends inside a tile');
    return this.d[this.pos++] as number;
  }

  /** A CPIXEL as 0xRRGGBB (wire order B, G, R). */
  cpixel(): number {
    if (this.pos + CPIXEL > this.d.length) bad('data ends inside a pixel');
    const d = this.d, p = this.pos;
    this.pos += CPIXEL;
    return ((d[p + 2] as number) << 16) | ((d[p + 1] as number) << 8) | (d[p] as number);
  }

  /** A run length: bytes of 255 continue it, the first smaller byte ends it; the length is their sum plus one. */
  runLength(): number {
    let n = 1;
    for (;;) {
      const b = this.u8();
      n += b;
      if (b !== 255) return n;
    }
  }
}

function drawTile(x: number, y: number, w: number, h: number, r: TileReader, fb: ClientFramebuffer): void {
  const sub = r.u8();
  if (sub === 0) {
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) fb.setPixel(x + i, y + j, r.cpixel());
    return;
  }
  if (sub === 1) {
    fb.fill(x, y, w, h, r.cpixel());
    return;
  }
  if (sub <= 16) {
    const palette = readPalette(r, sub);
    const bits = sub === 2 ? 1 : sub <= 4 ? 2 : 4;
    const mask = (1 << bits) - 1;
    for (let j = 0; j < h; j++) {
      // Each row starts on a byte boundary; indices are packed most significant bits first.
      let byte = 0, left = 0;
      for (let i = 0; i < w; i++) {
        if (left === 0) {
          byte = r.u8();
          left = 8;
        }
        left -= bits;
        const index = (byte >> left) & mask;
        if (index >= palette.length) bad(`palette index ${index} past a palette of ${palette.length}`);
        fb.setPixel(x + i, y + j, palette[index] as number);
      }
    }
    return;
  }
  if (sub === 128) {
    runs(x, y, w, h, fb, () => [r.cpixel(), r.runLength()]);
    return;
  }
  if (sub >= 130) {
    const palette = readPalette(r, sub - 128);
    runs(x, y, w, h, fb, () => {
      const b = r.u8();
      const index = b & 0x7f;
      if (index >= palette.length) bad(`palette index ${index} past a palette of ${palette.length}`);
      return [palette[index] as number, b & 0x80 ? r.runLength() : 1];
    });
    return;
  }
  bad(`subencoding ${sub} is not defined`);
}

function readPalette(r: TileReader, size: number): number[] {
  const palette: number[] = [];
  for (let i = 0; i < size; i++) palette.push(r.cpixel());
  return palette;
}

/** Fills a tile from runs in row order; a run may span rows but not pass the tile's end. */
function runs(x: number, y: number, w: number, h: number, fb: ClientFramebuffer, next: () => [number, number]): void {
  const total = w * h;
  let p = 0;
  while (p < total) {
    const [colour, length] = next();
    if (p + length > total) bad(`run of ${length} passes the tile's end`);
    for (const end = p + length; p < end; p++) fb.setPixel(x + (p % w), y + Math.floor(p / w), colour);
  }
}
