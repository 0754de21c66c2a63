import { bytesPerPixel, compactPixelOffset, convertPixel, writePixel, type Framebuffer, type PixelFormat } from '../pixel-format.js';

export { compactBytesPerPixel } from '../pixel-format.js';

/** The part of an encode context that pixel writers need. */
export interface EncodeContextPixel {
  fb: Framebuffer;
  pf: PixelFormat;
}

/**
 * Writes native colour `rgb` (0xRRGGBB) as a ZRLE CPIXEL / Tight TPIXEL: the
 * client's pixel, cut to the three significant bytes when the format allows
 * (RFC 6143 §7.7.6). Returns the number of bytes written.
 */
export function writeCompactPixel(out: Uint8Array, pos: number, rgb: number, ctx: EncodeContextPixel): number {
  const { pf } = ctx;
  const off = compactPixelOffset(pf);
  const v = convertPixel(rgb, pf);
  if (off < 0) {
    writePixel(out, pos, v, pf);
    return bytesPerPixel(pf);
  }
  // Wire byte i of the 4-byte pixel, for i = off, off + 1, off + 2.
  for (let i = 0; i < 3; i++) {
    const wire = off + i;
    const shift = pf.bigEndian ? (3 - wire) * 8 : wire * 8;
    out[pos + i] = (v >>> shift) & 0xff;
  }
  return 3;
}
