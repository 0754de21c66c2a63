import { TandemError } from '@tandem/protocol';
import { ENCODING } from '@tandem/rfb';
import type { RectDecoder } from './decoder.js';

/** Largest screen side accepted from a server (RFB sizes are 16 bits; this bounds memory). */
export const MAX_SCREEN_SIDE = 16384;

function resize(w: number, h: number, ctx: Parameters<RectDecoder['decode']>[2]): void {
  if (w === 0 || h === 0 || w > MAX_SCREEN_SIDE || h > MAX_SCREEN_SIDE) throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: screen size ${w}x${h} out of range`);
  if (w === ctx.fb.width && h === ctx.fb.height) return;
  ctx.fb.resize(w, h);
  ctx.onResize(w, h);
}

/** DesktopSize pseudo-encoding (RFC 6143 §7.8.2): the rectangle's width and height are the new screen size; no payload. */
export const desktopSizeDecoder: RectDecoder = {
  encoding: ENCODING.DesktopSize,
  name: 'DesktopSize',
  pseudo: true,
  async decode(rect, _q, ctx) {
    resize(rect.w, rect.h, ctx);
    return true;
  },
};

/**
 * ExtendedDesktopSize pseudo-encoding (rfbproto §7.8.2): x is the reason, y
 * the status; a number of screens, 3 bytes of padding, then 16 bytes per
 * screen. A non-zero status answers a SetDesktopSize with an error and
 * leaves the size as it was.
 */
export const extendedDesktopSizeDecoder: RectDecoder = {
  encoding: ENCODING.ExtendedDesktopSize,
  name: 'ExtendedDesktopSize',
  pseudo: true,
  async decode(rect, q, ctx) {
    if (!q.has(4)) return false;
    const screens = q.peekU8(0);
    if (!q.has(4 + 16 * screens)) return false;
    q.skip(4 + 16 * screens);
    if (rect.y === 0) resize(rect.w, rect.h, ctx);
    return true;
  },
};
