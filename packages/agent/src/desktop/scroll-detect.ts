import type { Framebuffer, Rect } from '@tandem/rfb';
import type { ScreenMove } from './desktop-source.js';

/** Fewer changed rows than this in a damaged rectangle: not worth looking for a scroll. */
const MIN_CHANGED_ROWS = 8;
/** A shift needs at least this many distinctive rows voting for it. */
const MIN_VOTES = 4;
/** A row whose content appears more often than this in the old band (blank lines, rules) does not vote: it says nothing about the shift. */
const MAX_REPEATS = 4;
/** Shifts verified, best voted first. */
const CANDIDATES = 3;
/** A verified move must cover at least this many rows that really changed (else a copy saves nothing). */
const MIN_MOVED_CHANGED_ROWS = 8;

/** Options of {@link findVerticalScroll}; the defaults suit terminals and browsers. */
export interface ScrollFinderOptions {
  minChangedRows?: number;
  minVotes?: number;
  minMovedChangedRows?: number;
}

/**
 * Looks for a vertical scroll inside the damaged rectangle `r`: rows of the
 * new picture `next` (r.w * 4 bytes per row, r.h rows, native 32-bit pixels)
 * that equal rows of the previous picture `prev` (the framebuffer, still
 * holding the old frame) shifted by some dy.
 *
 * Cheap first: rows are compared whole (one memcmp each) to find the band that
 * changed; every row of that band gets a 32-bit hash of a few sampled pixels
 * in the new and in the old picture, and a hash of the whole row where the
 * samples match some row of the other picture; each distinctive new row votes
 * for dy = (its row) - (the old row with the same hash). The best voted shifts are then verified row by row with
 * exact compares, and the move returned is the longest run of rows where the
 * new picture equals the old one shifted. Whatever the hashes and votes said,
 * a returned move is exact: for every row y of its destination,
 * next[y] == prev[y - dy] over the columns r.x .. r.x + r.w. Ambiguity
 * (blank areas, repeated lines) can only cost a missed copy, never a wrong one.
 *
 * Returns null when there is no scroll worth a copy. The move's source and
 * destination both lie inside `r`; dx is 0.
 */
export function findVerticalScroll(prev: Framebuffer, next: Uint8Array, r: Rect, opts: ScrollFinderOptions = {}): ScreenMove | null {
  const minChanged = opts.minChangedRows ?? MIN_CHANGED_ROWS;
  const minVotes = opts.minVotes ?? MIN_VOTES;
  const minMoved = opts.minMovedChangedRows ?? MIN_MOVED_CHANGED_ROWS;
  const rowBytes = r.w * 4;
  if (r.w <= 0 || r.h < 2 || next.length < rowBytes * r.h) return null;
  if (r.x < 0 || r.y < 0 || r.x + r.w > prev.width || r.y + r.h > prev.height) return null;
  const nb = Buffer.from(next.buffer, next.byteOffset, next.byteLength);
  const ob = Buffer.from(prev.data.buffer, prev.data.byteOffset, prev.data.byteLength);
  const newOff = (y: number): number => y * rowBytes;
  const oldOff = (y: number): number => (r.y + y) * prev.stride + r.x * 4;
  const sameRows = (yNew: number, yOld: number): boolean =>
    nb.compare(ob, oldOff(yOld), oldOff(yOld) + rowBytes, newOff(yNew), newOff(yNew) + rowBytes) === 0;

  // 1. Which rows changed at all (y relative to r).
  const changed = new Uint8Array(r.h);
  let count = 0, c0 = -1, c1 = -1;
  for (let y = 0; y < r.h; y++) {
    if (sameRows(y, y)) continue;
    changed[y] = 1;
    count++;
    if (c0 < 0) c0 = y;
    c1 = y + 1;
  }
  if (count < minChanged) return null;

  // 2. Sample hashes (a few pixels spread over the row) over the changed band, old and new: equal rows have equal
  // samples, so a new row whose samples match no old row cannot vote, and its full hash is not needed. Photographic
  // changes (no row repeats) stop here at a fraction of the cost of hashing every row whole.
  const n = c1 - c0;
  const nWords = words(next), oWords = words(prev.data);
  const sNew = new Int32Array(n), sOld = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    sNew[i] = sampleHash(nWords, next, newOff(c0 + i), r.w);
    sOld[i] = sampleHash(oWords, prev.data, oldOff(c0 + i), r.w);
  }
  const sampled = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const h = sOld[i] as number;
    const list = sampled.get(h);
    if (list) list.push(i);
    else sampled.set(h, [i]);
  }
  // Full hashes only for the changed new rows whose samples match some old row, and for those old rows.
  const hNew = new Int32Array(n), hOld = new Int32Array(n);
  const oldHashed = new Uint8Array(n);
  const where = new Map<number, number[]>();
  const voters: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!changed[c0 + i]) continue;
    const list = sampled.get(sNew[i] as number);
    if (!list) continue;
    voters.push(i);
    hNew[i] = rowHash(nWords, next, newOff(c0 + i), r.w);
    for (const j of list) {
      if (oldHashed[j]) continue;
      oldHashed[j] = 1;
      hOld[j] = rowHash(oWords, prev.data, oldOff(c0 + j), r.w);
    }
  }
  // Old rows in ascending order, as the votes below have always seen them.
  for (let j = 0; j < n; j++) {
    if (!oldHashed[j]) continue;
    const h = hOld[j] as number;
    const list = where.get(h);
    if (list) list.push(j);
    else where.set(h, [j]);
  }

  // 3. Votes: new[y] == old[y - dy]. An old row with the same content as a voter has the same samples, so it was hashed.
  const votes = new Map<number, number>();
  for (const i of voters) {
    const list = where.get(hNew[i] as number);
    if (!list || list.length > MAX_REPEATS) continue;
    for (const j of list) {
      const dy = i - j;
      if (dy !== 0) votes.set(dy, (votes.get(dy) ?? 0) + 1);
    }
  }
  const ranked = [...votes.entries()].filter(([, v]) => v >= minVotes).sort((a, b) => b[1] - a[1] || Math.abs(a[0]) - Math.abs(b[0])).slice(0, CANDIDATES);

  // 4. Exact verification: the run of rows (inside the band) where new == old shifted, with the most changed rows.
  let best: { start: number; end: number; dy: number; gain: number } | null = null;
  for (const [dy] of ranked) {
    const lo = Math.max(c0, c0 + dy), hi = Math.min(c1, c1 + dy);
    let start = -1, gain = 0;
    const close = (end: number): void => {
      if (start >= 0 && gain >= minMoved && (!best || gain > best.gain)) best = { start, end, dy, gain };
      start = -1;
      gain = 0;
    };
    for (let y = lo; y < hi; y++) {
      if (sameRows(y, y - dy)) {
        if (start < 0) start = y;
        gain += changed[y] as number;
      } else close(y);
    }
    close(hi);
  }
  if (!best) return null;
  const b = best as { start: number; end: number; dy: number };
  // Unchanged rows at the band's edges (blank margins) may belong to the scroll too: extend the run while rows still match exactly.
  const minY = Math.max(0, b.dy), maxY = Math.min(r.h, r.h + b.dy);
  while (b.start > minY && sameRows(b.start - 1, b.start - 1 - b.dy)) b.start--;
  while (b.end < maxY && sameRows(b.end, b.end - b.dy)) b.end++;
  return { src: { x: r.x, y: r.y + b.start - b.dy, w: r.w, h: b.end - b.start }, dx: 0, dy: b.dy };
}

/** A Uint32Array over `d` when it is 4-byte aligned, else null (the hash then reads bytes). */
function words(d: Uint8Array): Uint32Array | null {
  return d.byteOffset % 4 === 0 ? new Uint32Array(d.buffer, d.byteOffset, d.byteLength >> 2) : null;
}

/** Pixels a sample hash reads per row. */
const SAMPLES = 16;

/** Hash of {@link SAMPLES} pixels spread evenly over `w` 32-bit pixels from byte offset `off` (all of them when fewer). */
function sampleHash(w32: Uint32Array | null, bytes: Uint8Array, off: number, w: number): number {
  let h = 0x811c9dc5 ^ w;
  const k = Math.min(SAMPLES, w);
  for (let s = 0; s < k; s++) {
    const x = Math.floor((s * w) / k);
    const p = off + x * 4;
    const v = w32 && p % 4 === 0 ? (w32[p >> 2] as number)
      : (bytes[p] as number) | ((bytes[p + 1] as number) << 8) | ((bytes[p + 2] as number) << 16) | ((bytes[p + 3] as number) << 24);
    h = Math.imul(h ^ v, 0x01000193);
  }
  return h;
}

/** FNV-1a style hash over `w` 32-bit pixels from byte offset `off`. */
function rowHash(w32: Uint32Array | null, bytes: Uint8Array, off: number, w: number): number {
  let h = 0x811c9dc5 ^ w;
  if (w32 && off % 4 === 0) {
    const base = off >> 2;
    for (let i = 0; i < w; i++) h = Math.imul(h ^ (w32[base + i] as number), 0x01000193);
  } else {
    for (let i = 0; i < w; i++) {
      const p = off + i * 4;
      const v = (bytes[p] as number) | ((bytes[p + 1] as number) << 8) | ((bytes[p + 2] as number) << 16) | ((bytes[p + 3] as number) << 24);
      h = Math.imul(h ^ v, 0x01000193);
    }
  }
  return h ^ (h >>> 15);
}

/**
 * Applies `move` to `fb` in place, as a client applies CopyRect: the
 * destination takes the source's pixels (rows copied in the order that reads
 * every source row before it is overwritten).
 */
export function applyMove(fb: Framebuffer, move: ScreenMove): void {
  const { src, dx, dy } = move;
  const buf = Buffer.from(fb.data.buffer, fb.data.byteOffset, fb.data.byteLength);
  const bytes = src.w * 4;
  const row = (y: number): void => {
    const s = (src.y + y) * fb.stride + src.x * 4;
    const d = (src.y + y + dy) * fb.stride + (src.x + dx) * 4;
    buf.copy(buf, d, s, s + bytes);
  };
  if (dy > 0) for (let y = src.h - 1; y >= 0; y--) row(y);
  else for (let y = 0; y < src.h; y++) row(y);
}

/** The rectangle a move writes: its source shifted by (dx, dy). */
export function moveDestination(move: ScreenMove): Rect {
  return { x: move.src.x + move.dx, y: move.src.y + move.dy, w: move.src.w, h: move.src.h };
}
