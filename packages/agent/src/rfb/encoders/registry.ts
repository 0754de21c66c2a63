import type { RectEncoder } from './encoder.js';
import { rawEncoder } from './raw.js';
import { tightEncoder } from './tight.js';
import { zlibEncoder } from './zlib.js';
import { zrleEncoder } from './zrle.js';

/**
 * The encoders this server implements, by encoding number (as noVNC's decoder
 * table). CopyRect is absent: X11 DAMAGE reports changed areas, not moves, so
 * there is no real source of copies to send.
 */
export function defaultEncoders(): ReadonlyMap<number, RectEncoder> {
  return new Map<number, RectEncoder>([rawEncoder, zlibEncoder, zrleEncoder, tightEncoder].map((e) => [e.encoding, e]));
}
