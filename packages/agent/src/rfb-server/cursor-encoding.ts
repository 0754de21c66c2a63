import { bytesPerPixel, convertPixel, ENCODING, rectHeader, writePixel, type PixelFormat } from '@tandem/rfb';
import type { CursorImage } from '../desktop/desktop-source.js';

/**
 * The Cursor pseudo-encoding rectangle (RFC 6143 §7.8.1): hotspot as x, y;
 * pixels in the client's format, then a 1-bit mask, rows padded to a byte.
 * Translucent pixels count as shown when alpha is at least half.
 */
export function cursorRect(c: CursorImage, pf: PixelFormat): Uint8Array[] {
  const bpp = bytesPerPixel(pf);
  const pixels = new Uint8Array(c.width * c.height * bpp);
  const rowBytes = (c.width + 7) >> 3;
  const mask = new Uint8Array(rowBytes * c.height);
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      const i = y * c.width + x;
      const v = c.argb[i] as number;
      const a = v >>> 24;
      let rgb = v & 0xffffff;
      if (a > 0 && a < 255) {
        // Undo premultiplication so a half-transparent shadow does not turn black.
        const un = (ch: number): number => Math.min(255, Math.round((ch * 255) / a));
        rgb = (un((v >>> 16) & 0xff) << 16) | (un((v >>> 8) & 0xff) << 8) | un(v & 0xff);
      }
      writePixel(pixels, i * bpp, convertPixel(rgb, pf), pf);
      if (a >= 128) mask[y * rowBytes + (x >> 3)] = (mask[y * rowBytes + (x >> 3)] as number) | (0x80 >> (x & 7));
    }
  }
  return [rectHeader(c.hotX, c.hotY, c.width, c.height, ENCODING.Cursor), pixels, mask];
}
