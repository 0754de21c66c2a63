import { ENCODING } from '../encodings.js';
import type { ByteQueue } from '../byte-queue.js';
import { bytesPerPixel, type PixelFormat } from '../pixel-format.js';
import { badRect, type RectFramer } from './rect-framer.js';

/** Compression types in the control byte's high nibble (rfbproto "Tight Encoding"). */
const FILL = 0x8;
const JPEG = 0x9;
/** Bit 6 of a basic control byte: a filter id follows. */
const EXPLICIT_FILTER = 0x40;
const FILTER_COPY = 0;
const FILTER_PALETTE = 1;
const FILTER_GRADIENT = 2;
/** Data shorter than this is sent as it is, without zlib and without a length (TIGHT_MIN_TO_COMPRESS). */
const MIN_TO_COMPRESS = 12;

/**
 * Bytes of a TPIXEL: 3 when the format is true colour, 32 bits per pixel,
 * depth 24 and every colour exactly 8 bits wide; else a whole pixel
 * (rfbproto "Tight Encoding"). When those 8-bit colours do not sit on byte
 * boundaries, servers disagree (libvncserver packs 3 bytes, TigerVNC since
 * its is888() checks the shifts sends 4), so nobody could tell where the
 * rectangle ends: `null`.
 */
export function tightPixelBytes(pf: PixelFormat): number | null {
  const eightBit = pf.trueColour && pf.bitsPerPixel === 32 && pf.depth === 24 && pf.redMax === 255 && pf.greenMax === 255 && pf.blueMax === 255;
  if (!eightBit) return bytesPerPixel(pf);
  if (pf.redShift % 8 !== 0 || pf.greenShift % 8 !== 0 || pf.blueShift % 8 !== 0) return null;
  return 3;
}

/** A compact length at `offset` (1 to 3 bytes, 7 bits each, low bits first, the third byte whole): its value and size, or null for more bytes. */
function compactLength(q: ByteQueue, offset: number): { value: number; bytes: number } | null {
  if (!q.has(offset + 1)) return null;
  const b0 = q.peekU8(offset);
  if ((b0 & 0x80) === 0) return { value: b0, bytes: 1 };
  if (!q.has(offset + 2)) return null;
  const b1 = q.peekU8(offset + 1);
  if ((b1 & 0x80) === 0) return { value: (b0 & 0x7f) | (b1 << 7), bytes: 2 };
  if (!q.has(offset + 3)) return null;
  return { value: (b0 & 0x7f) | ((b1 & 0x7f) << 7) | (q.peekU8(offset + 2) << 14), bytes: 3 };
}

/**
 * Tight (rfbproto "Tight Encoding", IANA 7): a control byte (low nibble:
 * zlib streams to reset; high nibble: 0-7 basic compression with the stream
 * number in bits 4-5 and bit 6 announcing a filter id, 8 fill, 9 JPEG; the
 * PNG type 10 belongs to TightPNG and is refused here). Fill carries one
 * TPIXEL; JPEG a compact length and the image. Basic carries the filter
 * (copy, palette of 2 to 256 TPIXELs, or gradient), then the filtered data:
 * under 12 bytes as it is, else a compact length and zlib data. The data's
 * size before zlib is width × height TPIXELs for copy and gradient, and for
 * a palette one byte per pixel, or one bit per pixel with rows padded to a
 * byte for two colours. A palette of one colour is refused: rfbproto gives
 * it a byte per pixel, noVNC and TigerVNC a bit, and no server sends it
 * (libvncserver and TigerVNC send a fill).
 */
export const tightFramer: RectFramer = {
  encoding: ENCODING.Tight,
  name: 'Tight',
  payloadLength(rect, q, pf) {
    if (!q.has(1)) return null;
    const control = q.peekU8(0);
    const type = control >> 4;
    const tpixel = tightPixelBytes(pf);
    if (tpixel === null) badRect('Tight', 'the pixel format has 8-bit colours off byte boundaries, where servers disagree on the size of a TPIXEL');
    if (type === FILL) return 1 + tpixel;
    if (type === JPEG) {
      const len = compactLength(q, 1);
      return len === null ? null : 1 + len.bytes + len.value;
    }
    if (type > JPEG) badRect('Tight', `compression control 0x${control.toString(16)} names type ${type}, which Tight does not have`);
    let offset = 1;
    let filter = FILTER_COPY;
    if ((control & EXPLICIT_FILTER) !== 0) {
      if (!q.has(2)) return null;
      filter = q.peekU8(1);
      offset = 2;
    }
    let size: number;
    if (filter === FILTER_COPY || filter === FILTER_GRADIENT) {
      size = rect.w * rect.h * tpixel;
    } else if (filter === FILTER_PALETTE) {
      if (!q.has(offset + 1)) return null;
      const colours = q.peekU8(offset) + 1;
      if (colours < 2) badRect('Tight', 'a palette of one colour, whose size readers disagree on (servers send a fill instead)');
      offset += 1 + colours * tpixel;
      size = (colours === 2 ? Math.floor((rect.w + 7) / 8) : rect.w) * rect.h;
    } else {
      return badRect('Tight', `filter ${filter} is not copy (0), palette (1) or gradient (2)`);
    }
    if (size < MIN_TO_COMPRESS) return offset + size;
    const len = compactLength(q, offset);
    return len === null ? null : offset + len.bytes + len.value;
  },
};
