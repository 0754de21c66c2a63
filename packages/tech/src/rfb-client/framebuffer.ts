import { TandemError } from '@tandem/protocol';
import { nativeAt, type Framebuffer } from '@tandem/rfb';

/**
 * The technician client's copy of the remote screen. Pixels are kept in the
 * pixel format the client asks for (see {@link CLIENT_PIXEL_FORMAT}): 4 bytes
 * each, in memory order B, G, R, X, so Raw and Zlib data are copied as they
 * arrive and ZRLE's 3-byte CPIXELs (RFC 6143 §7.7.6) are B, G, R.
 */
export class ClientFramebuffer implements Framebuffer {
  #width: number;
  #height: number;
  #data: Uint8Array;

  constructor(width: number, height: number) {
    this.#width = width;
    this.#height = height;
    this.#data = new Uint8Array(width * height * 4);
  }

  get width(): number {
    return this.#width;
  }

  get height(): number {
    return this.#height;
  }

  /** The pixels, B, G, R, X per pixel, row after row (stride width * 4). */
  get data(): Uint8Array {
    return this.#data;
  }

  /** Changes the size; the part that still fits is kept, the rest is black. */
  resize(width: number, height: number): void {
    if (width === this.#width && height === this.#height) return;
    const next = new Uint8Array(width * height * 4);
    const rowBytes = Math.min(width, this.#width) * 4;
    for (let y = 0; y < Math.min(height, this.#height); y++) {
      next.set(this.#data.subarray(y * this.#width * 4, y * this.#width * 4 + rowBytes), y * width * 4);
    }
    this.#width = width;
    this.#height = height;
    this.#data = next;
  }

  /** Throws TANDEM_ERR_PROTOCOL unless the rectangle lies inside the screen. */
  checkRect(x: number, y: number, w: number, h: number, what: string): void {
    if (x + w > this.#width || y + h > this.#height) {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: ${what} ${w}x${h}+${x}+${y} lies outside the ${this.#width}x${this.#height} screen`);
    }
  }

  /** Copies `w * h` pixels of 4 bytes (B, G, R, X) from `src` at `offset` into the rectangle. */
  putPixels(x: number, y: number, w: number, h: number, src: Uint8Array, offset = 0): void {
    const row = w * 4;
    for (let j = 0; j < h; j++) {
      const from = offset + j * row;
      this.#data.set(src.subarray(from, from + row), ((y + j) * this.#width + x) * 4);
    }
  }

  /** Fills the rectangle with one colour given as 0xRRGGBB. */
  fill(x: number, y: number, w: number, h: number, rgb: number): void {
    const b = rgb & 0xff, g = (rgb >> 8) & 0xff, r = (rgb >> 16) & 0xff;
    const d = this.#data;
    for (let j = 0; j < h; j++) {
      let p = ((y + j) * this.#width + x) * 4;
      for (let i = 0; i < w; i++, p += 4) {
        d[p] = b;
        d[p + 1] = g;
        d[p + 2] = r;
        d[p + 3] = 0;
      }
    }
  }

  /** Sets one pixel to 0xRRGGBB. */
  setPixel(x: number, y: number, rgb: number): void {
    const p = (y * this.#width + x) * 4;
    this.#data[p] = rgb & 0xff;
    this.#data[p + 1] = (rgb >> 8) & 0xff;
    this.#data[p + 2] = (rgb >> 16) & 0xff;
    this.#data[p + 3] = 0;
  }

  /** Bytes per row: this is an RFB {@link Framebuffer} in the native pixel format. */
  get stride(): number {
    return this.#width * 4;
  }

  /** The pixel at (x, y) as 0xRRGGBB. */
  pixel(x: number, y: number): number {
    return nativeAt(this, x, y);
  }

  /** Copies the rectangle at (sx, sy) to (x, y); overlapping areas copy as if through a temporary buffer (CopyRect, RFC 6143 §7.7.2). */
  copy(sx: number, sy: number, x: number, y: number, w: number, h: number): void {
    const row = w * 4;
    const tmp = new Uint8Array(row * h);
    for (let j = 0; j < h; j++) {
      const from = ((sy + j) * this.#width + sx) * 4;
      tmp.set(this.#data.subarray(from, from + row), j * row);
    }
    this.putPixels(x, y, w, h, tmp);
  }

  /** The screen as packed R, G, B bytes. */
  toRgb(): Uint8Array {
    const n = this.#width * this.#height;
    const out = new Uint8Array(n * 3);
    const d = this.#data;
    for (let i = 0, p = 0, o = 0; i < n; i++, p += 4, o += 3) {
      out[o] = d[p + 2] as number;
      out[o + 1] = d[p + 1] as number;
      out[o + 2] = d[p] as number;
    }
    return out;
  }
}
