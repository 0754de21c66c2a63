import { ENCODING } from '../encodings.js';
import { bytesPerPixel } from '../pixel-format.js';
import type { RectFramer } from './rect-framer.js';

/** Raw (RFC 6143 §7.7.1): width × height pixels in the pixel format, nothing else. */
export const rawFramer: RectFramer = {
  encoding: ENCODING.Raw,
  name: 'Raw',
  payloadLength: (rect, _q, pf) => rect.w * rect.h * bytesPerPixel(pf),
};
