import { encodePixelFormat, type PixelFormat } from './pixel-format.js';

/**
 * Server-to-client message framing (RFC 6143 §7.6): FramebufferUpdate headers,
 * rectangle headers, ServerCutText, and the pseudo-encoding rectangles that
 * carry no pixels (DesktopSize, ExtendedDesktopSize, LastRect).
 */

/** FramebufferUpdate header: type 0, padding, number of rectangles (0xFFFF with LastRect). */
export function framebufferUpdateHeader(count: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(count, 2);
  return b;
}

/** A rectangle header: x, y, width, height, encoding (signed). */
export function rectHeader(x: number, y: number, w: number, h: number, encoding: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(x, 0);
  b.writeUInt16BE(y, 2);
  b.writeUInt16BE(w, 4);
  b.writeUInt16BE(h, 6);
  b.writeInt32BE(encoding, 8);
  return b;
}

/** A CopyRect rectangle (RFC 6143 §7.7.2): (x, y, w, h) takes the client's own pixels from (srcX, srcY). */
export function copyRectRect(x: number, y: number, w: number, h: number, srcX: number, srcY: number): Uint8Array {
  const b = Buffer.alloc(16);
  rectHeader(x, y, w, h, 1).copy(b, 0);
  b.writeUInt16BE(srcX, 12);
  b.writeUInt16BE(srcY, 14);
  return b;
}

/** ServerInit (RFC 6143 §7.3.2). */
export function serverInit(width: number, height: number, pf: PixelFormat, name: string): Uint8Array {
  const nameBytes = Buffer.from(name, 'utf8');
  const b = Buffer.alloc(24 + nameBytes.length);
  b.writeUInt16BE(width, 0);
  b.writeUInt16BE(height, 2);
  b.set(encodePixelFormat(pf), 4);
  b.writeUInt32BE(nameBytes.length, 20);
  nameBytes.copy(b, 24);
  return b;
}

/** ServerCutText (RFC 6143 §7.6.4), Latin-1 text. */
export function serverCutText(text: string): Uint8Array {
  const t = Buffer.from(text, 'latin1');
  const b = Buffer.alloc(8 + t.length);
  b[0] = 3;
  b.writeUInt32BE(t.length, 4);
  t.copy(b, 8);
  return b;
}

/** ExtendedDesktopSize rectangle (rfbproto §7.8.2): one screen covering the framebuffer. */
export function extendedDesktopSizeRect(reason: number, status: number, width: number, height: number, encoding: number): Uint8Array {
  const body = Buffer.alloc(4 + 16);
  body[0] = 1; // number of screens
  body.writeUInt32BE(0, 4); // screen id
  body.writeUInt16BE(0, 8);
  body.writeUInt16BE(0, 10);
  body.writeUInt16BE(width, 12);
  body.writeUInt16BE(height, 14);
  body.writeUInt32BE(0, 16); // flags
  return Buffer.concat([rectHeader(reason, status, width, height, encoding), body]);
}

/** Appends Tight's compact length (1 to 3 bytes, 7 bits each, low bits first). */
export function compactLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  if (n < 0x4000) return Uint8Array.of((n & 0x7f) | 0x80, n >> 7);
  return Uint8Array.of((n & 0x7f) | 0x80, ((n >> 7) & 0x7f) | 0x80, n >> 14);
}
