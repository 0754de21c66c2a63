import { ENCODING } from '../encodings.js';
import type { RectFramer } from './rect-framer.js';

/**
 * LastRect pseudo-encoding (rfbproto "LastRect Pseudo-encoding", IANA -224): no payload; the
 * update ends here, whatever its count said (servers send 0xFFFF then).
 * noVNC, TigerVNC and libvncclient all end the update at it wherever it
 * comes, so this framer does too.
 */
export const lastRectFramer: RectFramer = {
  encoding: ENCODING.LastRect,
  name: 'LastRect',
  endsUpdate: true,
  payloadLength: () => 0,
};
