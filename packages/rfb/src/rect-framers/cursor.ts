import { ENCODING } from '../encodings.js';
import { bytesPerPixel } from '../pixel-format.js';
import type { RectFramer } from './rect-framer.js';

/**
 * Cursor pseudo-encoding (RFC 6143 §7.8.1): width × height pixels, then a
 * bitmask of ⌊(width + 7) / 8⌋ bytes per row.
 */
export const cursorFramer: RectFramer = {
  encoding: ENCODING.Cursor,
  name: 'Cursor',
  payloadLength: (rect, _q, pf) => rect.w * rect.h * bytesPerPixel(pf) + Math.floor((rect.w + 7) / 8) * rect.h,
};
