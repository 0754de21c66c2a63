import { ENCODING, rectHeader, translateRect } from '@tandem/rfb';
import type { RectEncoder } from './encoder.js';

/** Raw encoding (RFC 6143 §7.7.1): pixels in the client's format, row by row. */
export const rawEncoder: RectEncoder = {
  encoding: ENCODING.Raw,
  name: 'Raw',
  encode(rect, ctx) {
    return Promise.resolve({ count: 1, chunks: [rectHeader(rect.x, rect.y, rect.w, rect.h, ENCODING.Raw), translateRect(ctx.fb, rect, ctx.pf)] });
  },
};
