import { ENCODING } from '../encodings.js';
import type { RectFramer } from './rect-framer.js';

/** Zlib (rfbproto "Zlib Encoding", IANA 6): a u32 length, then that many bytes of the connection's zlib stream. */
export const zlibFramer: RectFramer = {
  encoding: ENCODING.Zlib,
  name: 'Zlib',
  payloadLength: (_rect, q) => (q.has(4) ? 4 + q.peekU32(0) : null),
};
