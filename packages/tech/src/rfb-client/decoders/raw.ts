import { ENCODING } from '@tandem/rfb';
import type { RectDecoder } from './decoder.js';

/** Raw (RFC 6143 §7.7.1): width * height pixels of 4 bytes, row by row. */
export const rawDecoder: RectDecoder = {
  encoding: ENCODING.Raw,
  name: 'Raw',
  pseudo: false,
  async decode(rect, q, ctx) {
    const n = rect.w * rect.h * 4;
    if (!q.has(n)) return false;
    ctx.fb.putPixels(rect.x, rect.y, rect.w, rect.h, q.take(n));
    return true;
  },
};
