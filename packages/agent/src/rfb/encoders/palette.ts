import type { Framebuffer, Rect } from '../pixel-format.js';

/** The distinct native colours (0xRRGGBB) of a rectangle, in first-seen order, or null past `max`. */
export function collectPalette(fb: Framebuffer, r: Rect, max: number): number[] | null {
  const seen = new Map<number, number>();
  const list: number[] = [];
  const d = fb.data;
  let last = -1;
  for (let y = r.y; y < r.y + r.h; y++) {
    let p = y * fb.stride + r.x * 4;
    for (let x = 0; x < r.w; x++, p += 4) {
      const c = ((d[p + 2] as number) << 16) | ((d[p + 1] as number) << 8) | (d[p] as number);
      if (c === last) continue;
      last = c;
      if (!seen.has(c)) {
        if (list.length === max) return null;
        seen.set(c, list.length);
        list.push(c);
      }
    }
  }
  return list;
}

/**
 * Packs palette indices of `r`, `bits` (1, 2, 4 or 8) per pixel, each row
 * starting on a byte boundary, most significant bits first (as both ZRLE's
 * packed palette and Tight's mono palette filter lay them out).
 */
export function packIndices(fb: Framebuffer, r: Rect, palette: readonly number[], bits: number): Uint8Array {
  const index = new Map<number, number>();
  palette.forEach((c, i) => index.set(c, i));
  const rowBytes = Math.ceil((r.w * bits) / 8);
  const out = new Uint8Array(rowBytes * r.h);
  const d = fb.data;
  for (let y = 0; y < r.h; y++) {
    let p = (r.y + y) * fb.stride + r.x * 4;
    let o = y * rowBytes;
    let acc = 0;
    let used = 0;
    for (let x = 0; x < r.w; x++, p += 4) {
      const c = ((d[p + 2] as number) << 16) | ((d[p + 1] as number) << 8) | (d[p] as number);
      acc = (acc << bits) | (index.get(c) as number);
      used += bits;
      if (used === 8) {
        out[o++] = acc;
        acc = 0;
        used = 0;
      }
    }
    if (used > 0) out[o] = acc << (8 - used);
  }
  return out;
}
