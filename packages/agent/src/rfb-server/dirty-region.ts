import type { Rect } from '@tandem/rfb';

/**
 * What a client has yet to be sent, as a grid of square tiles. Damage is
 * coalesced here while an update is in flight (backpressure: frames the
 * network cannot carry are never queued, their areas just stay dirty), and
 * taken out as a few merged rectangles when the next update goes.
 */
export class DirtyRegion {
  readonly tile: number;
  #width = 0;
  #height = 0;
  #cols = 0;
  #rows = 0;
  #bits = new Uint8Array(0);
  #count = 0;

  constructor(width: number, height: number, tile = 32) {
    this.tile = tile;
    this.resize(width, height);
  }

  /** Starts over for a new framebuffer size, everything clean. */
  resize(width: number, height: number): void {
    this.#width = width;
    this.#height = height;
    this.#cols = Math.ceil(width / this.tile);
    this.#rows = Math.ceil(height / this.tile);
    this.#bits = new Uint8Array(this.#cols * this.#rows);
    this.#count = 0;
  }

  /** True when nothing is dirty. */
  get empty(): boolean {
    return this.#count === 0;
  }

  /** Marks `r` (clipped to the framebuffer) dirty. */
  add(r: Rect): void {
    const x0 = Math.max(0, r.x), y0 = Math.max(0, r.y);
    const x1 = Math.min(this.#width, r.x + r.w), y1 = Math.min(this.#height, r.y + r.h);
    if (x1 <= x0 || y1 <= y0) return;
    const t = this.tile;
    for (let ty = Math.floor(y0 / t); ty < Math.ceil(y1 / t); ty++) {
      for (let tx = Math.floor(x0 / t); tx < Math.ceil(x1 / t); tx++) {
        const i = ty * this.#cols + tx;
        if (this.#bits[i] === 0) {
          this.#bits[i] = 1;
          this.#count++;
        }
      }
    }
  }

  /** Marks the whole framebuffer dirty. */
  addAll(): void {
    this.add({ x: 0, y: 0, w: this.#width, h: this.#height });
  }

  /** The dirty area overlapping `r`, as runs of dirty tiles per tile row, clipped to `r`. */
  dirtyIn(r: Rect): Rect[] {
    const out: Rect[] = [];
    const x0 = Math.max(0, r.x), y0 = Math.max(0, r.y);
    const x1 = Math.min(this.#width, r.x + r.w), y1 = Math.min(this.#height, r.y + r.h);
    if (x1 <= x0 || y1 <= y0 || this.#count === 0) return out;
    const t = this.tile;
    const tx0 = Math.floor(x0 / t), tx1 = Math.ceil(x1 / t);
    for (let ty = Math.floor(y0 / t); ty < Math.ceil(y1 / t); ty++) {
      const ry0 = Math.max(y0, ty * t), ry1 = Math.min(y1, (ty + 1) * t);
      for (let tx = tx0; tx < tx1;) {
        if (this.#bits[ty * this.#cols + tx] !== 1) { tx++; continue; }
        const start = tx;
        while (tx < tx1 && this.#bits[ty * this.#cols + tx] === 1) tx++;
        const rx0 = Math.max(x0, start * t), rx1 = Math.min(x1, tx * t);
        out.push({ x: rx0, y: ry0, w: rx1 - rx0, h: ry1 - ry0 });
      }
    }
    return out;
  }

  /** True when every tile overlapping `r` (clipped to the framebuffer) is dirty. */
  covers(r: Rect): boolean {
    const x0 = Math.max(0, r.x), y0 = Math.max(0, r.y);
    const x1 = Math.min(this.#width, r.x + r.w), y1 = Math.min(this.#height, r.y + r.h);
    if (x1 <= x0 || y1 <= y0) return true;
    const t = this.tile;
    for (let ty = Math.floor(y0 / t); ty < Math.ceil(y1 / t); ty++) {
      for (let tx = Math.floor(x0 / t); tx < Math.ceil(x1 / t); tx++) {
        if (this.#bits[ty * this.#cols + tx] !== 1) return false;
      }
    }
    return true;
  }

  /** Marks clean the tiles that lie wholly inside `r` (clipped to the framebuffer); tiles only partly inside stay as they are. */
  clearInside(r: Rect): void {
    const t = this.tile;
    const ty1 = Math.min(this.#rows, Math.ceil((r.y + r.h) / t)), tx1 = Math.min(this.#cols, Math.ceil((r.x + r.w) / t));
    for (let ty = Math.max(0, Math.floor(r.y / t)); ty < ty1; ty++) {
      for (let tx = Math.max(0, Math.floor(r.x / t)); tx < tx1; tx++) {
        const i = ty * this.#cols + tx;
        if (this.#bits[i] === 1 && this.#inside(tx, ty, r)) {
          this.#bits[i] = 0;
          this.#count--;
        }
      }
    }
  }

  /**
   * Takes the dirty area inside `clip` as merged rectangles (runs of tiles per
   * row, joined with identical runs of the rows below), clipped to `clip` and
   * the framebuffer. Tiles only partly inside `clip` stay dirty.
   */
  take(clip: Rect): Rect[] {
    const t = this.tile;
    const out: Rect[] = [];
    // Open rectangles keyed by "x0,x1" in tile units, extended row by row.
    let open = new Map<string, Rect>();
    for (let ty = 0; ty < this.#rows; ty++) {
      const next = new Map<string, Rect>();
      let tx = 0;
      while (tx < this.#cols) {
        if (!this.#takeable(tx, ty, clip)) { tx++; continue; }
        const start = tx;
        while (tx < this.#cols && this.#takeable(tx, ty, clip)) tx++;
        const key = `${start},${tx}`;
        const prev = open.get(key);
        if (prev) {
          prev.h += t;
          next.set(key, prev);
          open.delete(key);
        } else {
          next.set(key, { x: start * t, y: ty * t, w: (tx - start) * t, h: t });
        }
      }
      for (const r of open.values()) out.push(r);
      open = next;
    }
    for (const r of open.values()) out.push(r);
    const cx1 = Math.min(this.#width, clip.x + clip.w), cy1 = Math.min(this.#height, clip.y + clip.h);
    const clipped: Rect[] = [];
    for (const r of out) {
      const x0 = Math.max(r.x, clip.x), y0 = Math.max(r.y, clip.y);
      const x1 = Math.min(r.x + r.w, cx1), y1 = Math.min(r.y + r.h, cy1);
      if (x1 > x0 && y1 > y0) clipped.push({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
    }
    // Clear what was taken: tiles that lie inside the clip once clipped to the framebuffer.
    for (let ty = 0; ty < this.#rows; ty++) {
      for (let tx = 0; tx < this.#cols; tx++) {
        if (this.#takeable(tx, ty, clip) && this.#inside(tx, ty, clip)) {
          this.#bits[ty * this.#cols + tx] = 0;
          this.#count--;
        }
      }
    }
    return clipped;
  }

  #takeable(tx: number, ty: number, clip: Rect): boolean {
    if (this.#bits[ty * this.#cols + tx] !== 1) return false;
    const t = this.tile;
    return tx * t < clip.x + clip.w && (tx + 1) * t > clip.x && ty * t < clip.y + clip.h && (ty + 1) * t > clip.y;
  }

  #inside(tx: number, ty: number, clip: Rect): boolean {
    const t = this.tile;
    const x1 = Math.min((tx + 1) * t, this.#width), y1 = Math.min((ty + 1) * t, this.#height);
    return tx * t >= clip.x && ty * t >= clip.y && x1 <= clip.x + clip.w && y1 <= clip.y + clip.h;
  }
}
