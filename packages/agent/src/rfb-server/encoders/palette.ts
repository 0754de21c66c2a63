import { nativeWords, type Framebuffer, type Rect } from '@tandem/rfb';

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

/** Largest palette {@link PaletteAnalyser} tracks (Tight's limit). */
export const MAX_PALETTE = 256;
/** Open-addressing table size: four slots per colour keeps probes short. */
const SLOTS = 1024;
const SLOT_BITS = 10;

/**
 * One pass over a rectangle that finds, as ZRLE and Tight need them (RFC 6143
 * §7.7.6; rfbproto Tight): its palette in first-seen order up to a limit, each
 * pixel's palette index, and its runs of one colour in row order (a run may
 * continue onto the next row). Reusable: scratch buffers are kept between
 * calls, so one analyser serves every tile of a rectangle. Results are valid
 * until the next {@link analyse}.
 */
export class PaletteAnalyser {
  readonly #keys = new Int32Array(SLOTS);
  readonly #vals = new Uint8Array(SLOTS);
  readonly #stamp = new Uint32Array(SLOTS);
  #gen = 0;
  /** Palette colours (0xRRGGBB), the first {@link size} entries. */
  readonly palette = new Int32Array(MAX_PALETTE);
  /** Colours found, when {@link fits}; otherwise the limit plus one. */
  size = 0;
  /** Whether every colour fitted in the limit (only then are {@link indices} valid). */
  fits = false;
  /** Palette index of each pixel, row after row (w * h entries). */
  indices = new Uint8Array(0);
  /** Runs of two pixels or more. */
  runs = 0;
  /** Runs of one pixel. */
  singles = 0;
  /** Extra run-length bytes runs longer than 256 need: the sum of floor((length - 1) / 255) (RFC 6143 §7.7.6). */
  runExtra = 0;

  /**
   * Analyses `r` of `fb` for a palette of at most `max` (≤ {@link MAX_PALETTE})
   * colours. With `countRuns` false the pass stops as soon as the palette
   * overflows and the run counts are not meaningful.
   */
  analyse(fb: Framebuffer, r: Rect, max: number, countRuns: boolean): void {
    const n = r.w * r.h;
    if (this.indices.length < n) this.indices = new Uint8Array(Math.max(n, 4096));
    const { words, base, stride } = rectWords(fb, r);
    if (++this.#gen === 0xffffffff) {
      this.#stamp.fill(0);
      this.#gen = 1;
    }
    const gen = this.#gen, keys = this.#keys, vals = this.#vals, stamp = this.#stamp;
    const palette = this.palette, idx = this.indices;
    const limit = Math.min(max, MAX_PALETTE);
    let size = 0, fits = true;
    let last = -1, lastIdx = 0, runLen = 0, runs = 0, singles = 0, extra = 0, o = 0;
    scan: for (let y = 0; y < r.h; y++) {
      let p = base + y * stride;
      const end = p + r.w;
      for (; p < end; p++) {
        const c = (words[p] as number) & 0xffffff;
        if (c === last) {
          runLen++;
          idx[o++] = lastIdx;
          continue;
        }
        if (runLen === 1) singles++;
        else if (runLen > 1) {
          runs++;
          extra += ((runLen - 1) / 255) | 0;
        }
        runLen = 1;
        last = c;
        if (fits) {
          let h = Math.imul(c, 0x9e3779b1) >>> (32 - SLOT_BITS);
          for (;;) {
            if (stamp[h] !== gen) {
              if (size === limit) {
                fits = false;
                if (!countRuns) break scan;
                break;
              }
              stamp[h] = gen;
              keys[h] = c;
              vals[h] = size;
              palette[size] = c;
              lastIdx = size++;
              break;
            }
            if (keys[h] === c) {
              lastIdx = vals[h] as number;
              break;
            }
            h = (h + 1) & (SLOTS - 1);
          }
        }
        idx[o++] = lastIdx;
      }
    }
    if (runLen === 1) singles++;
    else if (runLen > 1) {
      runs++;
      extra += ((runLen - 1) / 255) | 0;
    }
    this.size = fits ? size : limit + 1;
    this.fits = fits;
    this.runs = runs;
    this.singles = singles;
    this.runExtra = extra;
  }
}

/**
 * Packs the first `w * h` palette indices, `bits` (1, 2, 4 or 8) per pixel,
 * each row starting on a byte boundary, most significant bits first (as both
 * ZRLE's packed palette and Tight's palette filter lay them out), into `out`
 * at `pos`. Returns the bytes written.
 */
export function packIndices(indices: Uint8Array, w: number, h: number, bits: number, out: Uint8Array, pos: number): number {
  if (bits === 8) {
    out.set(indices.subarray(0, w * h), pos);
    return w * h;
  }
  const rowBytes = Math.ceil((w * bits) / 8);
  let i = 0;
  for (let y = 0; y < h; y++) {
    let o = pos + y * rowBytes;
    let acc = 0;
    let used = 0;
    for (let x = 0; x < w; x++) {
      acc = (acc << bits) | (indices[i++] as number);
      used += bits;
      if (used === 8) {
        out[o++] = acc;
        acc = 0;
        used = 0;
      }
    }
    if (used > 0) out[o] = acc << (8 - used);
  }
  return rowBytes * h;
}

/** Bytes {@link packIndices} writes. */
export function packedSize(w: number, h: number, bits: number): number {
  return Math.ceil((w * bits) / 8) * h;
}

/**
 * The native words of `r`: the framebuffer itself when it can be viewed as
 * 32-bit words, else a packed copy of the rectangle. Pixel (x, y) of `r` is
 * `words[base + y * stride + x]`, its colour the low 24 bits.
 */
export function rectWords(fb: Framebuffer, r: Rect): { words: Uint32Array; base: number; stride: number } {
  const words = nativeWords(fb);
  if (words) return { words, base: r.y * (fb.stride >> 2) + r.x, stride: fb.stride >> 2 };
  const copy = new Uint32Array(r.w * r.h);
  const d = fb.data;
  let o = 0;
  for (let y = r.y; y < r.y + r.h; y++) {
    let p = y * fb.stride + r.x * 4;
    for (let x = 0; x < r.w; x++, p += 4) copy[o++] = ((d[p + 2] as number) << 16) | ((d[p + 1] as number) << 8) | (d[p] as number);
  }
  return { words: copy, base: 0, stride: r.w };
}
