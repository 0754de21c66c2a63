import { ENCODING } from '@tandem/rfb';
import type { RectDecoder } from './decoder.js';

/** CopyRect (RFC 6143 §7.7.2): the rectangle's pixels come from (src-x, src-y) of the client's own framebuffer. */
export const copyRectDecoder: RectDecoder = {
  encoding: ENCODING.CopyRect,
  name: 'CopyRect',
  pseudo: false,
  async decode(rect, q, ctx) {
    if (!q.has(4)) return false;
    const sx = q.peekU16(0), sy = q.peekU16(2);
    q.skip(4);
    ctx.fb.checkRect(sx, sy, rect.w, rect.h, 'CopyRect source');
    ctx.fb.copy(sx, sy, rect.x, rect.y, rect.w, rect.h);
    return true;
  },
};
