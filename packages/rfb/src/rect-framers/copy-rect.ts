import { ENCODING } from '../encodings.js';
import type { RectFramer } from './rect-framer.js';

/** CopyRect (RFC 6143 §7.7.2): the source's x and y, two u16. */
export const copyRectFramer: RectFramer = {
  encoding: ENCODING.CopyRect,
  name: 'CopyRect',
  payloadLength: () => 4,
};
