import type { RectEncoder } from './encoder.js';
import { rawEncoder } from './raw.js';
import { tightEncoder } from './tight.js';
import { zlibEncoder } from './zlib.js';
import { zrleEncoder } from './zrle.js';

/**
 * The encoders this server implements, by encoding number (as noVNC's decoder
 * table). CopyRect is not a rectangle encoder: the connection sends it for
 * the moves the desktop reports (scroll detection in desktop/scroll-detect.ts)
 * when the client listed it (see rfb/pending-copies.ts).
 */
export function defaultEncoders(): ReadonlyMap<number, RectEncoder> {
  return new Map<number, RectEncoder>([rawEncoder, zlibEncoder, zrleEncoder, tightEncoder].map((e) => [e.encoding, e]));
}
