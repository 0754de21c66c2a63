import type { Framebuffer, Rect } from '@tandem/rfb';
import { rectWords } from './palette.js';

/** Below this area JPEG's own headers (about 600 bytes) outweigh what it saves. */
export const JPEG_MIN_AREA = 1024;
/**
 * With JPEG available, rectangles of more colours than this go to JPEG when
 * they also look photographic (TigerVNC's EncodeManager uses 96 for its Tight
 * JPEG path; without JPEG the palette goes up to Tight's 256).
 */
export const JPEG_MAX_PALETTE = 96;

/** Rows sampled per rectangle: every 4th row is enough to judge texture and bounds the cost. */
const ROW_STEP = 4;
/** A channel step above this between neighbours is a hard edge (glyph stroke, widget border). */
const EDGE_STEP = 64;
/** Photographic content: few exactly flat neighbour pairs... */
const MAX_FLAT = 0.5;
/** ...and few hard edges. Text and UI are mostly flat with hard edges; photos the opposite. */
const MAX_EDGES = 0.1;

/** The neighbour statistics {@link looksPhotographic} decides on (exported for tests and tuning). */
export interface TextureStats {
  /** Horizontal neighbour pairs sampled. */
  pairs: number;
  /** Share of pairs with identical colours. */
  flat: number;
  /** Share of pairs with a channel step above {@link EDGE_STEP}. */
  edges: number;
}

/** Samples horizontal neighbour pairs of `r` (every {@link ROW_STEP}th row). */
export function textureStats(fb: Framebuffer, r: Rect): TextureStats {
  const { words, base, stride } = rectWords(fb, r);
  let pairs = 0, flat = 0, edges = 0;
  for (let y = 0; y < r.h; y += ROW_STEP) {
    let p = base + y * stride;
    let prev = (words[p] as number) & 0xffffff;
    for (let x = 1; x < r.w; x++) {
      const c = (words[++p] as number) & 0xffffff;
      pairs++;
      if (c === prev) {
        flat++;
        continue;
      }
      const db = Math.abs((c & 0xff) - (prev & 0xff));
      const dg = Math.abs(((c >>> 8) & 0xff) - ((prev >>> 8) & 0xff));
      const dr = Math.abs((c >>> 16) - (prev >>> 16));
      if (db > EDGE_STEP || dg > EDGE_STEP || dr > EDGE_STEP) edges++;
      prev = c;
    }
  }
  return pairs === 0 ? { pairs, flat: 1, edges: 0 } : { pairs, flat: flat / pairs, edges: edges / pairs };
}

/**
 * Whether `r` is photographic enough for JPEG: large enough, and textured
 * the way photographs and video are (neighbours rarely equal, rarely far
 * apart), as opposed to text and UI (large flat areas, sharp edges). Like
 * TightVNC's DetectSmoothImage, but deciding on flatness and edges rather than
 * the mean error, so sensor noise does not push a photograph to lossless.
 * The caller has already found more colours than {@link JPEG_MAX_PALETTE}.
 */
export function looksPhotographic(fb: Framebuffer, r: Rect): boolean {
  if (r.w < 8 || r.h < 8 || r.w * r.h < JPEG_MIN_AREA) return false;
  const s = textureStats(fb, r);
  return s.flat < MAX_FLAT && s.edges < MAX_EDGES;
}
