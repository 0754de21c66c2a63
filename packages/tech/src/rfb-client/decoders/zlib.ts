import { TandemError } from '@tandem/protocol';
import { ENCODING } from '@tandem/rfb';
import { MAX_ZLIB_PAYLOAD, type RectDecoder } from './decoder.js';

/** Zlib (rfbproto §7.7.4): a 4-byte length, then Raw pixels through the connection's one "zlib" stream. */
export const zlibDecoder: RectDecoder = {
  encoding: ENCODING.Zlib,
  name: 'Zlib',
  pseudo: false,
  async decode(rect, q, ctx) {
    if (!q.has(4)) return false;
    const len = q.peekU32(0);
    if (len > MAX_ZLIB_PAYLOAD) throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: Zlib rectangle of ${len} bytes`);
    if (!q.has(4 + len)) return false;
    const data = q.take(4 + len).subarray(4);
    const n = rect.w * rect.h * 4;
    const pixels = await ctx.inflaters.get('zlib').inflate(data, n);
    if (pixels.length !== n) throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: Zlib rectangle ${rect.w}x${rect.h} inflated to ${pixels.length} bytes, not ${n}`);
    ctx.fb.putPixels(rect.x, rect.y, rect.w, rect.h, pixels);
    return true;
  },
};
