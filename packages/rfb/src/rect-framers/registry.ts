import { copyRectFramer } from './copy-rect.js';
import { cursorFramer } from './cursor.js';
import { desktopSizeFramer } from './desktop-size.js';
import { extendedDesktopSizeFramer } from './extended-desktop-size.js';
import { lastRectFramer } from './last-rect.js';
import { rawFramer } from './raw.js';
import type { RectFramer } from './rect-framer.js';
import { tightFramer } from './tight.js';
import { zlibFramer } from './zlib.js';
import { zrleFramer } from './zrle.js';

/**
 * The rectangle framers, by encoding number: the encodings noVNC and
 * TigerVNC use (Raw, CopyRect, Zlib, ZRLE, Tight) and the pseudo-encodings
 * Cursor, DesktopSize, ExtendedDesktopSize and LastRect. A reader of server
 * messages can find the end of a rectangle in exactly these, so a client
 * behind one must ask for nothing else.
 */
export function defaultRectFramers(): ReadonlyMap<number, RectFramer> {
  return new Map<number, RectFramer>(
    [rawFramer, copyRectFramer, zlibFramer, zrleFramer, tightFramer, cursorFramer, desktopSizeFramer, extendedDesktopSizeFramer, lastRectFramer].map((f) => [f.encoding, f]),
  );
}
