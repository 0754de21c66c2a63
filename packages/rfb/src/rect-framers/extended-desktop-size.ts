import { ENCODING } from '../encodings.js';
import type { RectFramer } from './rect-framer.js';

/**
 * ExtendedDesktopSize pseudo-encoding (rfbproto "ExtendedDesktopSize Pseudo-encoding", IANA -308): the
 * number of screens (u8), three bytes of padding, then 16 bytes per screen
 * (id u32, x, y, width, height u16, flags u32).
 */
export const extendedDesktopSizeFramer: RectFramer = {
  encoding: ENCODING.ExtendedDesktopSize,
  name: 'ExtendedDesktopSize',
  payloadLength: (_rect, q) => (q.has(1) ? 4 + 16 * q.peekU8(0) : null),
};
