import { ENCODING } from '../encodings.js';
import type { RectFramer } from './rect-framer.js';

/** ZRLE (RFC 6143 §7.7.6): a u32 length, then that many bytes of the connection's zlib stream (the tiles are inside). */
export const zrleFramer: RectFramer = {
  encoding: ENCODING.ZRLE,
  name: 'ZRLE',
  payloadLength: (_rect, q) => (q.has(4) ? 4 + q.peekU32(0) : null),
};
