import type { ScreenMove } from '../desktop/desktop-source.js';
import { moveDestination } from '../desktop/scroll-detect.js';
import type { DirtyRegion } from './dirty-region.js';
import type { Rect } from '@tandem/rfb';

/** More moves than this pending (a client far behind): they are dropped and their areas sent as damage. */
const MAX_PENDING = 16;

/**
 * The moves (screen content copied by a scroll) one client has yet to be
 * sent as CopyRect rectangles (RFC 6143 §7.7.2), kept together with that
 * client's {@link DirtyRegion}.
 *
 * THE INVARIANT. Let C be the client's framebuffer once it has drawn
 * everything sent so far, and F the desktop's framebuffer now. Then
 * applying the pending moves to C, in order, gives a picture equal to F at
 * every pixel outside the dirty region. An update keeps it by sending the
 * pending moves FIRST, as CopyRect rectangles in the same order (a CopyRect's
 * source is the client's current picture, so it must precede every pixel
 * rectangle of the update), followed by the dirty area in pixels.
 *
 * Each operation here keeps it:
 * - add(move), when F just had the move applied: the move's destination is
 *   right after the copy wherever its source was right before, so the dirty
 *   tiles wholly inside the destination are cleared and the dirty area of the
 *   source, shifted, is marked dirty (tile-granular, so only ever a superset).
 * - Merging two moves of the same scrolling band into one changes the result
 *   only inside the two destinations outside the merged one: those rows are
 *   marked dirty.
 * - drop(): forgetting every pending move is safe once their destinations are
 *   dirty (F differs from what C showed before the moves only inside
 *   destinations and areas already dirty, or dirty-then-cleared inside a
 *   destination).
 * - A move the client cannot take now (it did not ask for CopyRect, an update
 *   is being encoded from the live framebuffer, a size change is pending, or
 *   the source is all dirty anyway) is never queued: its destination is
 *   marked dirty, as any other change. "If in doubt, send it as damage."
 */
export class PendingCopies {
  #moves: ScreenMove[] = [];

  /** True when no move is pending. */
  get empty(): boolean {
    return this.#moves.length === 0;
  }

  /** Queues `move`, which the desktop just applied to its framebuffer, and updates `dirty` to match (see the invariant). */
  add(move: ScreenMove, dirty: DirtyRegion): void {
    const dst = moveDestination(move);
    const shifted = dirty.dirtyIn(move.src).map((r) => ({ x: r.x + move.dx, y: r.y + move.dy, w: r.w, h: r.h }));
    dirty.clearInside(dst);
    for (const r of shifted) dirty.add(r);
    const last = this.#moves[this.#moves.length - 1];
    const merged = last ? mergeScrolls(last, move) : null;
    if (last && merged) {
      this.#moves[this.#moves.length - 1] = merged.move;
      if (merged.extra) dirty.add(merged.extra);
      return;
    }
    this.#moves.push(move);
    if (this.#moves.length > MAX_PENDING) this.drop(dirty);
  }

  /** Forgets every pending move, marking their destinations dirty. */
  drop(dirty: DirtyRegion): void {
    for (const m of this.#moves) dirty.add(moveDestination(m));
    this.#moves = [];
  }

  /** Forgets every pending move without touching a dirty region (everything is dirty anyway: a resize, a new pixel format). */
  clear(): void {
    this.#moves = [];
  }

  /** True when every pending move's source and destination lie inside `r`. */
  within(r: Rect): boolean {
    const inside = (a: Rect): boolean => a.x >= r.x && a.y >= r.y && a.x + a.w <= r.x + r.w && a.y + a.h <= r.y + r.h;
    return this.#moves.every((m) => inside(m.src) && inside(moveDestination(m)));
  }

  /** Takes the pending moves, in order, to be sent first in the next update. */
  take(): ScreenMove[] {
    const out = this.#moves;
    this.#moves = [];
    return out;
  }
}

/**
 * Two consecutive vertical scrolls of the same band (same columns, same rows
 * spanned by source and destination together, same direction) as one scroll
 * by the sum, with the rows where the two-step result differs from the
 * one-step result (the destinations outside the merged destination). Null
 * when they are not of that kind, or the sum scrolls the whole band away.
 */
export function mergeScrolls(a: ScreenMove, b: ScreenMove): { move: ScreenMove; extra: Rect | null } | null {
  if (a.dx !== 0 || b.dx !== 0 || a.src.x !== b.src.x || a.src.w !== b.src.w || Math.sign(a.dy) !== Math.sign(b.dy)) return null;
  const band = (m: ScreenMove): { y0: number; y1: number } => ({ y0: Math.min(m.src.y, m.src.y + m.dy), y1: Math.max(m.src.y, m.src.y + m.dy) + m.src.h });
  const ba = band(a), bb = band(b);
  if (ba.y0 !== bb.y0 || ba.y1 !== bb.y1) return null;
  const dy = a.dy + b.dy, h = ba.y1 - ba.y0 - Math.abs(dy);
  if (h <= 0) return null;
  const src: Rect = { x: a.src.x, y: dy < 0 ? ba.y0 - dy : ba.y0, w: a.src.w, h };
  // Both destinations and the merged one share the band's edge the content moves towards; the rest of their union is one band of rows.
  const unionH = Math.max(a.src.h, b.src.h);
  const extraH = unionH - h;
  const extra: Rect | null = extraH <= 0 ? null
    : dy < 0 ? { x: a.src.x, y: ba.y0 + h, w: a.src.w, h: extraH }
      : { x: a.src.x, y: ba.y1 - unionH, w: a.src.w, h: extraH };
  return { move: { src, dx: 0, dy }, extra };
}
