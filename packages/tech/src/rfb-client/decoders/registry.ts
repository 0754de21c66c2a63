import { copyRectDecoder } from './copy-rect.js';
import type { RectDecoder } from './decoder.js';
import { desktopSizeDecoder, extendedDesktopSizeDecoder } from './desktop-size.js';
import { rawDecoder } from './raw.js';
import { zlibDecoder } from './zlib.js';
import { zrleDecoder } from './zrle.js';

/**
 * The decoders this client implements, by encoding number (as noVNC's
 * decoder table). Only lossless encodings: a snapshot must be the customer's
 * screen exactly. LastRect is handled by the update reader itself, since it
 * ends the update rather than drawing anything.
 */
export function defaultDecoders(): ReadonlyMap<number, RectDecoder> {
  return new Map<number, RectDecoder>(
    [rawDecoder, copyRectDecoder, zlibDecoder, zrleDecoder, desktopSizeDecoder, extendedDesktopSizeDecoder].map((d) => [d.encoding, d]),
  );
}
