import { bytesPerPixel, compactPixelOffset, nativeWords, pixelConverter, writePixel, type Framebuffer, type PixelFormat, type Rect } from '@tandem/rfb';

export { compactBytesPerPixel } from '@tandem/rfb';

/** The part of an encode context that pixel writers need. */
export interface EncodeContextPixel {
  fb: Framebuffer;
  pf: PixelFormat;
}

/**
 * Writes native colours as ZRLE CPIXELs / Tight TPIXELs for one pixel format:
 * the client's pixel, cut to the three significant bytes when the format
 * allows (RFC 6143 §7.7.6). Built once per rectangle so the format's
 * arithmetic is not redone per pixel.
 */
export interface CompactWriter {
  /** Bytes per written pixel: 3 when packed, else the format's bytes per pixel. */
  readonly bytes: number;
  /** Writes native colour `rgb` (0xRRGGBB) at `pos`; returns {@link bytes}. */
  write(out: Uint8Array, pos: number, rgb: number): number;
}

/** The {@link CompactWriter} for `pf`. */
export function compactWriter(pf: PixelFormat): CompactWriter {
  const off = compactPixelOffset(pf);
  const conv = pixelConverter(pf);
  if (off < 0) {
    const bytes = bytesPerPixel(pf);
    return { bytes, write: (out, pos, rgb) => { writePixel(out, pos, conv(rgb), pf); return bytes; } };
  }
  // Wire byte off + i of the 4-byte pixel sits at bit shift s_i of the pixel value.
  const shift = (i: number): number => (pf.bigEndian ? (3 - (off + i)) * 8 : (off + i) * 8);
  const s0 = shift(0), s1 = shift(1), s2 = shift(2);
  return {
    bytes: 3,
    write: (out, pos, rgb) => {
      const v = conv(rgb);
      out[pos] = v >>> s0;
      out[pos + 1] = v >>> s1;
      out[pos + 2] = v >>> s2;
      return 3;
    },
  };
}

/**
 * The writer of Tight's TPIXEL for `pf`. Unlike ZRLE's CPIXEL, which keeps the
 * client's byte order and only drops the padding byte (RFC 6143 §7.7.6), a
 * 3-byte TPIXEL is always red, green, blue, whatever the shifts and
 * endianness: it is 3 bytes when the client's pixels are 32-bit true colour
 * of depth 24 with 8-bit channels (rfbproto, Tight encoding; libvncserver's
 * Pack24), and a full PIXEL otherwise.
 */
export function tightPixelWriter(pf: PixelFormat): CompactWriter {
  const rgb888 = pf.trueColour && pf.bitsPerPixel === 32 && pf.depth === 24 && pf.redMax === 255 && pf.greenMax === 255 && pf.blueMax === 255;
  if (!rgb888) {
    const conv = pixelConverter(pf);
    const bytes = bytesPerPixel(pf);
    return { bytes, write: (out, pos, rgb) => { writePixel(out, pos, conv(rgb), pf); return bytes; } };
  }
  return {
    bytes: 3,
    write: (out, pos, rgb) => {
      // Native colours are 0xRRGGBB with 8-bit channels, the same depth as the client's.
      out[pos] = (rgb >>> 16) & 0xff;
      out[pos + 1] = (rgb >>> 8) & 0xff;
      out[pos + 2] = rgb & 0xff;
      return 3;
    },
  };
}

/**
 * Writes native colour `rgb` (0xRRGGBB) as a ZRLE CPIXEL.
 * Returns the number of bytes written. For many pixels build a
 * {@link compactWriter} once instead.
 */
export function writeCompactPixel(out: Uint8Array, pos: number, rgb: number, ctx: EncodeContextPixel): number {
  return compactWriter(ctx.pf).write(out, pos, rgb);
}

/** Writes every pixel of `t` with `writer` from `pos`; returns the bytes written. */
export function writeCompactRect(out: Uint8Array, pos: number, t: Rect, fb: Framebuffer, writer: CompactWriter): number {
  const words = nativeWords(fb);
  const d = fb.data;
  let o = pos;
  for (let y = t.y; y < t.y + t.h; y++) {
    let p = y * fb.stride + t.x * 4;
    for (let x = 0; x < t.w; x++, p += 4) {
      const c = words ? (words[p >> 2] as number) & 0xffffff : ((d[p + 2] as number) << 16) | ((d[p + 1] as number) << 8) | (d[p] as number);
      o += writer.write(out, o, c);
    }
  }
  return o - pos;
}
