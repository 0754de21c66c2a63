import { ENCODING } from '../encodings.js';
import type { RectFramer } from './rect-framer.js';

/** DesktopSize pseudo-encoding (RFC 6143 §7.8.2): the new size is the header's width and height; no payload. */
export const desktopSizeFramer: RectFramer = {
  encoding: ENCODING.DesktopSize,
  name: 'DesktopSize',
  payloadLength: () => 0,
};
