import { ENCODING, rectHeader, translateRect } from '@tandem/rfb';
import type { RectEncoder } from './encoder.js';

/** Zlib encoding (rfbproto §7.7.4): Raw pixels through one persistent zlib stream, prefixed by their compressed length. */
export const zlibEncoder: RectEncoder = {
  encoding: ENCODING.Zlib,
  name: 'Zlib',
  async encode(rect, ctx) {
    const data = await ctx.streams.get('zlib', ctx.compressLevel).compress([translateRect(ctx.fb, rect, ctx.pf)], ctx.compressLevel);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length, 0);
    return { count: 1, chunks: [rectHeader(rect.x, rect.y, rect.w, rect.h, ENCODING.Zlib), len, data] };
  },
};
