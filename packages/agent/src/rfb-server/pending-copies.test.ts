import { describe, expect, it } from 'vitest';
import type { ScreenMove } from '../desktop/desktop-source.js';
import { applyMove } from '../desktop/scroll-detect.js';
import { DirtyRegion } from './dirty-region.js';
import { mergeScrolls, PendingCopies } from './pending-copies.js';
import type { Framebuffer, Rect } from '@tandem/rfb';

const W = 96, H = 120;

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

function fb(): Framebuffer {
  return { width: W, height: H, stride: W * 4, data: new Uint8Array(W * H * 4) };
}

function copyRect(from: Framebuffer, to: Framebuffer, r: Rect): void {
  for (let y = r.y; y < r.y + r.h; y++) to.data.set(from.data.subarray(y * from.stride + r.x * 4, y * from.stride + (r.x + r.w) * 4), y * to.stride + r.x * 4);
}

/** Pixels of `a` and `b` that differ outside `dirty`. */
function differencesOutside(a: Framebuffer, b: Framebuffer, dirty: DirtyRegion): number {
  const mask = new Uint8Array(W * H);
  for (const r of dirty.dirtyIn({ x: 0, y: 0, w: W, h: H })) for (let y = r.y; y < r.y + r.h; y++) mask.fill(1, y * W + r.x, y * W + r.x + r.w);
  let n = 0;
  for (let i = 0; i < W * H; i++) {
    if (mask[i]) continue;
    for (let c = 0; c < 4; c++) if (a.data[i * 4 + c] !== b.data[i * 4 + c]) { n++; break; }
  }
  return n;
}

describe('PendingCopies keeps the client picture consistent', () => {
  it('random scrolls, damage and coalesced updates: after every update the client equals the desktop', () => {
    for (const tile of [8, 32]) {
      const next = rng(7 + tile);
      const desktop = fb(), client = fb();
      for (let i = 0; i < desktop.data.length; i++) desktop.data[i] = next() & 0xff;
      client.data.set(desktop.data);
      const dirty = new DirtyRegion(W, H, tile);
      const copies = new PendingCopies();
      let updates = 0, copiesSent = 0;
      let band = { x: 0, w: W, y0: 0, bandH: H, down: false };
      for (let step = 0; step < 3000; step++) {
        const op = next() % 10;
        if (op < 4) {
          // A scroll of a band (same columns), as the desktop applies and reports it.
          // Half the time the same band again (a terminal scrolling on): consecutive moves merge.
          if (next() % 2 === 0) {
            const x = next() % (W / 2), y0 = next() % (H / 2);
            band = { x, w: 1 + (next() % (W - x)), y0, bandH: 2 + (next() % (H - y0 - 1)), down: next() % 2 === 0 };
          }
          const { x, w, y0, bandH } = band;
          const s = 1 + (next() % (bandH - 1)), dy = band.down ? s : -s;
          const src: Rect = { x, y: dy < 0 ? y0 + s : y0, w, h: bandH - s };
          const move: ScreenMove = { src, dx: 0, dy };
          applyMove(desktop, move);
          if (next() % 5 === 0) dirty.add({ x, y: dy < 0 ? y0 : y0 + s, w, h: src.h }); // the server chose to send it as damage
          else copies.add(move, dirty);
        } else if (op < 8) {
          // Damage: new pixels somewhere.
          const r: Rect = { x: next() % W, y: next() % H, w: 1 + (next() % 20), h: 1 + (next() % 20) };
          const c: Rect = { x: r.x, y: r.y, w: Math.min(r.w, W - r.x), h: Math.min(r.h, H - r.y) };
          for (let y = c.y; y < c.y + c.h; y++) for (let xx = c.x; xx < c.x + c.w; xx++) desktop.data[(y * W + xx) * 4] = next() & 0xff;
          dirty.add(c);
        } else if (op === 8 && next() % 7 === 0) {
          copies.drop(dirty);
        } else {
          // The invariant before the update: pending moves applied to the client give the desktop outside the dirty region.
          const preview = { ...client, data: client.data.slice() };
          const pending = copies.take();
          for (const m of pending) applyMove(preview, m);
          expect(differencesOutside(preview, desktop, dirty)).toBe(0);
          // The update: copies first, then the dirty area in pixels.
          for (const m of pending) applyMove(client, m);
          copiesSent += pending.length;
          for (const r of dirty.take({ x: 0, y: 0, w: W, h: H })) copyRect(desktop, client, r);
          expect(Buffer.from(client.data).equals(Buffer.from(desktop.data))).toBe(true);
          updates++;
        }
      }
      expect(updates).toBeGreaterThan(50);
      expect(copiesSent).toBeGreaterThan(50);
    }
  });

  it('merges consecutive scrolls of the same band and marks the rows that differ', () => {
    const a: ScreenMove = { src: { x: 0, y: 10, w: 50, h: 90 }, dx: 0, dy: -10 }; // band 0..100
    const b: ScreenMove = { src: { x: 0, y: 20, w: 50, h: 80 }, dx: 0, dy: -20 };
    expect(mergeScrolls(a, b)).toEqual({ move: { src: { x: 0, y: 30, w: 50, h: 70 }, dx: 0, dy: -30 }, extra: { x: 0, y: 70, w: 50, h: 20 } });
    expect(mergeScrolls(a, { ...b, dy: 20, src: { x: 0, y: 0, w: 50, h: 80 } })).toBeNull(); // opposite directions
    expect(mergeScrolls(a, { ...b, src: { x: 1, y: 20, w: 50, h: 80 } })).toBeNull(); // other columns
    expect(mergeScrolls({ src: { x: 0, y: 60, w: 50, h: 40 }, dx: 0, dy: -60 }, { src: { x: 0, y: 60, w: 50, h: 40 }, dx: 0, dy: -60 })).toBeNull(); // scrolled away
  });

  it('drops moves whose request does not hold them', () => {
    const dirty = new DirtyRegion(W, H);
    const copies = new PendingCopies();
    copies.add({ src: { x: 0, y: 40, w: 64, h: 40 }, dx: 0, dy: -20 }, dirty);
    expect(copies.within({ x: 0, y: 0, w: W, h: H })).toBe(true);
    expect(copies.within({ x: 0, y: 0, w: 64, h: 64 })).toBe(false);
    copies.drop(dirty);
    expect(copies.empty).toBe(true);
    expect(dirty.covers({ x: 0, y: 20, w: 64, h: 40 })).toBe(true);
  });
});
