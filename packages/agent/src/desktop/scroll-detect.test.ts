import { describe, expect, it } from 'vitest';
import type { Framebuffer, Rect } from '@tandem/rfb';
import type { ScreenMove } from './desktop-source.js';
import { applyMove, findVerticalScroll, moveDestination } from './scroll-detect.js';

const W = 160, H = 240, LINE = 12;

/** A deterministic pseudo-random generator (xorshift32), so failures replay. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

function blankFb(w = W, h = H): Framebuffer {
  return { width: w, height: h, stride: w * 4, data: new Uint8Array(w * h * 4) };
}

/** Draws a "text line" (distinct pseudo-random glyph pixels on the top 9 rows of 12) for line number `n` at row y. */
function drawLine(fb: Framebuffer, y: number, n: number): void {
  const next = rng(n * 7919 + 1);
  for (let r = 0; r < 9 && y + r < fb.height; r++) {
    for (let x = 0; x < fb.width; x++) {
      const v = next() % 5 === 0 ? 0xff : 0;
      const p = (y + r) * fb.stride + x * 4;
      fb.data[p] = v; fb.data[p + 1] = v; fb.data[p + 2] = v;
    }
  }
}

/** A terminal picture: lines first..first+count-1 from row 0, the rest blank. */
function terminal(first: number, count: number): Framebuffer {
  const fb = blankFb();
  for (let i = 0; i < count; i++) drawLine(fb, i * LINE, first + i);
  return fb;
}

/** The pixels of `r` in `fb`, packed r.w * 4 bytes per row (what GetImage returns). */
function crop(fb: Framebuffer, r: Rect): Uint8Array {
  const out = new Uint8Array(r.w * r.h * 4);
  for (let y = 0; y < r.h; y++) out.set(fb.data.subarray((r.y + y) * fb.stride + r.x * 4, (r.y + y) * fb.stride + (r.x + r.w) * 4), y * r.w * 4);
  return out;
}

function cloneFb(fb: Framebuffer): Framebuffer {
  return { ...fb, data: fb.data.slice() };
}

/** The property every move must have: applied to the old frame, its destination equals the new frame there. */
function expectExact(prev: Framebuffer, next: Framebuffer, move: ScreenMove): void {
  const moved = cloneFb(prev);
  applyMove(moved, move);
  const d = moveDestination(move);
  expect(Buffer.from(crop(moved, d)).equals(Buffer.from(crop(next, d)))).toBe(true);
}

const whole: Rect = { x: 0, y: 0, w: W, h: H };

describe('findVerticalScroll', () => {
  it('finds a pure scroll by one line (the exposed line blank)', () => {
    const prev = terminal(0, 20);
    const next = terminal(1, 19);
    const move = findVerticalScroll(prev, crop(next, whole), whole);
    expect(move).toEqual({ src: { x: 0, y: LINE, w: W, h: H - LINE }, dx: 0, dy: -LINE });
    expectExact(prev, next, move as ScreenMove);
  });

  it('finds a scroll by three lines with new text at the bottom, leaving the new line as the remainder', () => {
    const prev = terminal(0, 20);
    const next = terminal(3, 20);
    const move = findVerticalScroll(prev, crop(next, whole), whole) as ScreenMove;
    expect(move.dy).toBe(-3 * LINE);
    expect(move.src.y).toBe(3 * LINE);
    // The last three lines (17..19 of the new frame) are new: the move stops before them, give or take the blank rows between lines.
    expect(moveDestination(move).y + move.src.h).toBeGreaterThanOrEqual(17 * LINE - 3);
    expect(moveDestination(move).y + move.src.h).toBeLessThanOrEqual(17 * LINE + 3);
    expectExact(prev, next, move);
  });

  it('finds a downward scroll (content moving down) inside a damaged rectangle that is not the whole screen', () => {
    const prev = terminal(10, 20);
    const next = terminal(8, 20);
    const r: Rect = { x: 0, y: 24, w: W, h: 180 };
    const move = findVerticalScroll(prev, crop(next, r), r) as ScreenMove;
    expect(move.dy).toBe(2 * LINE);
    expect(move.src.y).toBeGreaterThanOrEqual(r.y);
    expect(moveDestination(move).y + move.src.h).toBeLessThanOrEqual(r.y + r.h);
    expectExact(prev, next, move);
  });

  it('reports nothing when the content did not scroll', () => {
    const prev = terminal(0, 20);
    const next = terminal(100, 20);
    expect(findVerticalScroll(prev, crop(next, whole), whole)).toBeNull();
    expect(findVerticalScroll(prev, crop(prev, whole), whole)).toBeNull();
  });

  it('reports nothing for a change of a few rows', () => {
    const prev = terminal(0, 20);
    const next = cloneFb(prev);
    drawLine(next, 5 * LINE, 999);
    next.data.fill(0, 5 * LINE * next.stride + 9 * next.stride, 6 * LINE * next.stride);
    expect(findVerticalScroll(prev, crop(next, whole), whole, { minChangedRows: 10 })).toBeNull();
  });

  it('never returns a wrong copy when repeated lines and blank areas make the shift ambiguous', () => {
    // The same line repeated: shifts by any multiple of the line height fit equally well.
    const prev = blankFb(), next = blankFb();
    for (let i = 0; i < 20; i++) {
      drawLine(prev, i * LINE, i % 3 === 0 ? 7 : 8);
      drawLine(next, i * LINE, (i + 1) % 3 === 0 ? 7 : 8);
    }
    // Several shifts fit equally well: the detector picks none (a missed scroll costs bytes, a wrong copy corrupts the picture).
    expect(findVerticalScroll(prev, crop(next, whole), whole)).toBeNull();
    // The same lines without the repetition (every line its own) scroll by one line, found and exact: the null above is the ambiguity's.
    const distinctPrev = terminal(100, 20), distinctNext = terminal(101, 20);
    const move = findVerticalScroll(distinctPrev, crop(distinctNext, whole), whole);
    expect(move).not.toBeNull();
    expectExact(distinctPrev, distinctNext, move!);
    // A blank screen that gets one line of text: nothing scrolled, even with the thresholds at their lowest.
    const empty = blankFb(), one = blankFb();
    drawLine(one, 100, 5);
    expect(findVerticalScroll(empty, crop(one, whole), whole, { minChangedRows: 1, minMovedChangedRows: 1 })).toBeNull();
  });

  it('every move found in randomised frames is exact (scrolls of lines and of pixels, repeats, edits, blank gaps)', () => {
    const next = rng(42);
    let found = 0;
    for (let t = 0; t < 200; t++) {
      const palette = 1 + (next() % 6); // few distinct lines: many repeats
      const prev = blankFb();
      for (let i = 0; i < 20; i++) if (next() % 4 !== 0) drawLine(prev, i * LINE, next() % palette);
      const dy = ((next() % 60) + 1) * (next() % 2 === 0 ? -1 : 1);
      const cur = blankFb();
      for (let y = 0; y < H; y++) {
        const from = y - dy;
        if (from >= 0 && from < H) cur.data.set(prev.data.subarray(from * prev.stride, (from + 1) * prev.stride), y * cur.stride);
      }
      // Random edits on top: a changed line, a few noisy pixels.
      if (next() % 2 === 0) drawLine(cur, next() % (H - LINE), 500 + (next() % 10));
      for (let k = next() % 5; k > 0; k--) cur.data[(next() % (W * H)) * 4] = next() & 0xff;
      const move = findVerticalScroll(prev, crop(cur, whole), whole, { minVotes: 1, minChangedRows: 1, minMovedChangedRows: 1 });
      if (move) {
        found++;
        expectExact(prev, cur, move);
      }
    }
    expect(found).toBeGreaterThan(50);
  });

  it('reads GetImage data that is not 4-byte aligned', () => {
    const prev = terminal(0, 20);
    const next = terminal(1, 20);
    const packed = crop(next, whole);
    const unaligned = new Uint8Array(packed.length + 1).subarray(1);
    unaligned.set(packed);
    const move = findVerticalScroll(prev, unaligned, whole) as ScreenMove;
    expect(move.dy).toBe(-LINE);
    expectExact(prev, next, move);
  });
});
