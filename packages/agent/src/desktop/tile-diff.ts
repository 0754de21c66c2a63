/**
 * What a capture pass of any desktop driver does with the pixels it read:
 * the comparison of 32x32 tiles against the previous frame that keeps only
 * what really changed (a desktop's damage reports, or a polled full frame,
 * say more than changed), the vertical scroll found in them reported as a
 * move, and the listeners told in the same synchronous run as the
 * framebuffer's change. Shared by the X11 and the Windows drivers.
 */
import type { Framebuffer, Rect } from '@tandem/rfb';
import type { DesktopListener } from './desktop-source.js';
import { applyMove, findVerticalScroll, moveDestination } from './scroll-detect.js';

/** Tile edge for the comparison that drops false damage. */
const TILE = 32;

/**
 * Takes the image `data` of `r` (r.w * 4 bytes per row, the framebuffer's
 * pixel format) into `fb` and tells `listeners` what changed: first a
 * vertical scroll found inside `r` (applied to the framebuffer, then
 * reported as a move, when `scrolls`), then the areas (runs of 32x32 tiles)
 * that still differ. Synchronous from the framebuffer write to the
 * notifications, so no listener ever sees the framebuffer ahead of what it
 * was told. `all` copies everything and notifies nobody (a first frame, a
 * resize). Returns whether anything changed: a move or an area.
 */
export function takeCapture(fb: Framebuffer, r: Rect, data: Uint8Array, opts: { all: boolean; scrolls: boolean }, listeners: Iterable<DesktopListener>): boolean {
  if (r.x + r.w > fb.width || r.y + r.h > fb.height) return false; // the screen shrank meanwhile
  if (opts.all) return diffInto(fb, r, data, true).length > 0;
  const move = opts.scrolls ? findVerticalScroll(fb, data, r) : null;
  // Verified exact: the new rows of the destination equal the old rows of the source, so applying the move is the same as copying them in.
  if (move) applyMove(fb, move);
  const changed = diffInto(fb, r, data, false);
  for (const l of listeners) {
    if (move && l.onMove) l.onMove(move);
    const rects = move && !l.onMove ? [moveDestination(move), ...changed] : changed;
    if (rects.length > 0) l.onChange(rects);
  }
  return move !== null || changed.length > 0;
}

/** The smallest rectangle holding all of `rects`. */
export function bounds(rects: readonly Rect[]): Rect {
  const x0 = Math.min(...rects.map((r) => r.x)), y0 = Math.min(...rects.map((r) => r.y));
  const x1 = Math.max(...rects.map((r) => r.x + r.w)), y1 = Math.max(...rects.map((r) => r.y + r.h));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** `r` cut to the framebuffer. */
export function clip(r: Rect, fb: Framebuffer): Rect {
  const x0 = Math.max(0, r.x), y0 = Math.max(0, r.y);
  return { x: x0, y: y0, w: Math.max(0, Math.min(fb.width, r.x + r.w) - x0), h: Math.max(0, Math.min(fb.height, r.y + r.h) - y0) };
}

/**
 * Copies the tiles of `r` (TILE x TILE, on the screen's tile grid) that differ
 * between `captured` (r.w * 4 bytes per row) and `fb` into `fb`, and returns
 * them, runs of neighbouring tiles in a band merged. Compares whole rows first,
 * so unchanged rows cost one memcmp; compares and copies go through
 * Buffer.compare / Buffer.copy with offsets (no per-row views).
 */
export function diffInto(fb: Framebuffer, r: Rect, captured: Uint8Array, all: boolean): Rect[] {
  const src = Buffer.from(captured.buffer, captured.byteOffset, captured.byteLength);
  const dst = Buffer.from(fb.data.buffer, fb.data.byteOffset, fb.data.byteLength);
  const srcStride = r.w * 4;
  const changed: Rect[] = [];
  // A short image (the screen changed under the request) is not used; the next damage reads again.
  if (captured.length < srcStride * r.h) return changed;
  const tx0 = Math.floor(r.x / TILE), tx1 = Math.ceil((r.x + r.w) / TILE);
  const ty0 = Math.floor(r.y / TILE), ty1 = Math.ceil((r.y + r.h) / TILE);
  const cols = tx1 - tx0;
  const dirty = new Uint8Array(cols);
  const left = (k: number): number => Math.max(r.x, (tx0 + k) * TILE);
  const right = (k: number): number => Math.min(r.x + r.w, (tx0 + k + 1) * TILE);
  for (let ty = ty0; ty < ty1; ty++) {
    const y0 = Math.max(r.y, ty * TILE), y1 = Math.min(r.y + r.h, (ty + 1) * TILE);
    dirty.fill(all ? 1 : 0);
    let found = all ? cols : 0;
    for (let y = y0; y < y1 && found < cols; y++) {
      const s = (y - r.y) * srcStride, d = y * fb.stride + r.x * 4;
      if (src.compare(dst, d, d + srcStride, s, s + srcStride) === 0) continue;
      for (let k = 0; k < cols; k++) {
        if (dirty[k]) continue;
        const x0 = left(k), bytes = (right(k) - x0) * 4;
        const so = s + (x0 - r.x) * 4, dof = y * fb.stride + x0 * 4;
        if (src.compare(dst, dof, dof + bytes, so, so + bytes) !== 0) {
          dirty[k] = 1;
          found++;
        }
      }
    }
    if (found === 0) continue;
    for (let k = 0; k < cols;) {
      if (!dirty[k]) { k++; continue; }
      const start = k;
      while (k < cols && dirty[k]) k++;
      const x0 = left(start), x1 = right(k - 1);
      for (let y = y0; y < y1; y++) {
        const so = (y - r.y) * srcStride + (x0 - r.x) * 4;
        src.copy(dst, y * fb.stride + x0 * 4, so, so + (x1 - x0) * 4);
      }
      changed.push({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
    }
  }
  return changed;
}
