import { TandemError } from '@tandem/protocol';
import type { ByteQueue } from './byte-queue.js';
import { decodePixelFormat, encodePixelFormat, type PixelFormat } from './pixel-format.js';

/** Client-to-server message types (RFC 6143 §7.5, and §7.5 extensions that Tandem accepts). */
export const CLIENT_MESSAGE = {
  SetPixelFormat: 0,
  SetEncodings: 2,
  FramebufferUpdateRequest: 3,
  KeyEvent: 4,
  PointerEvent: 5,
  ClientCutText: 6,
  /** ExtendedDesktopSize's SetDesktopSize (rfbproto "SetDesktopSize"); only after the server sent ExtendedDesktopSize. */
  SetDesktopSize: 251,
} as const;

/** A screen of ExtendedDesktopSize / SetDesktopSize. */
export interface RfbScreen {
  id: number;
  x: number;
  y: number;
  w: number;
  h: number;
  flags: number;
}

/** A parsed client-to-server message. */
export type ClientMessage =
  | { type: 'SetPixelFormat'; format: PixelFormat }
  | { type: 'SetEncodings'; encodings: number[] }
  | { type: 'FramebufferUpdateRequest'; incremental: boolean; x: number; y: number; w: number; h: number }
  | { type: 'KeyEvent'; down: boolean; keysym: number }
  | { type: 'PointerEvent'; buttonMask: number; x: number; y: number }
  | { type: 'ClientCutText'; text: string }
  | { type: 'SetDesktopSize'; width: number; height: number; screens: RfbScreen[] };

/** Limits the parser enforces; a message past them ends the connection. */
export interface ClientMessageLimits {
  /** Longest ClientCutText accepted, in bytes. */
  maxCutText: number;
  /** Most encodings in one SetEncodings. */
  maxEncodings: number;
}

/** Defaults: 1 MiB of clipboard text, 1024 encodings. */
export const DEFAULT_CLIENT_LIMITS: ClientMessageLimits = Object.freeze({ maxCutText: 1 << 20, maxEncodings: 1024 });

/** Throws the TANDEM_ERR_PROTOCOL of a malformed client message. */
function malformed(message: string): never {
  throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: ${message}`);
}

/**
 * Parses the next client-to-server message from `q`. Returns `null`, consuming
 * nothing, when the queue does not yet hold a whole message; throws
 * `TANDEM_ERR_PROTOCOL` on an unknown type or a malformed message. On success
 * the message's bytes are consumed and returned as `raw` too (the gatekeeper
 * forwards exactly these bytes).
 */
export function parseClientMessage(q: ByteQueue, limits: ClientMessageLimits = DEFAULT_CLIENT_LIMITS): { message: ClientMessage; raw: Uint8Array } | null {
  if (!q.has(1)) return null;
  const type = q.peekU8(0);
  let size: number;
  let message: ClientMessage;
  switch (type) {
    case CLIENT_MESSAGE.SetPixelFormat: {
      size = 20;
      if (!q.has(size)) return null;
      message = { type: 'SetPixelFormat', format: decodePixelFormat(q.peekBytes(16, 4)) };
      break;
    }
    case CLIENT_MESSAGE.SetEncodings: {
      if (!q.has(4)) return null;
      const count = q.peekU16(2);
      if (count > limits.maxEncodings) malformed(`SetEncodings lists ${count} encodings, more than ${limits.maxEncodings}`);
      size = 4 + 4 * count;
      if (!q.has(size)) return null;
      const encodings: number[] = [];
      for (let i = 0; i < count; i++) encodings.push(q.peekU32(4 + 4 * i) | 0);
      message = { type: 'SetEncodings', encodings };
      break;
    }
    case CLIENT_MESSAGE.FramebufferUpdateRequest: {
      size = 10;
      if (!q.has(size)) return null;
      const inc = q.peekU8(1);
      if (inc > 1) malformed(`FramebufferUpdateRequest incremental flag ${inc} is not 0 or 1`);
      message = { type: 'FramebufferUpdateRequest', incremental: inc === 1, x: q.peekU16(2), y: q.peekU16(4), w: q.peekU16(6), h: q.peekU16(8) };
      break;
    }
    case CLIENT_MESSAGE.KeyEvent: {
      size = 8;
      if (!q.has(size)) return null;
      const down = q.peekU8(1);
      if (down > 1) malformed(`KeyEvent down-flag ${down} is not 0 or 1`);
      message = { type: 'KeyEvent', down: down === 1, keysym: q.peekU32(4) };
      break;
    }
    case CLIENT_MESSAGE.PointerEvent: {
      size = 6;
      if (!q.has(size)) return null;
      message = { type: 'PointerEvent', buttonMask: q.peekU8(1), x: q.peekU16(2), y: q.peekU16(4) };
      break;
    }
    case CLIENT_MESSAGE.ClientCutText: {
      if (!q.has(8)) return null;
      const raw = q.peekU32(4);
      // A negative length is the Extended Clipboard pseudo-encoding, which this server never offers.
      if (raw >= 0x80000000) malformed('ClientCutText with extended-clipboard length, which was not negotiated');
      if (raw > limits.maxCutText) malformed(`ClientCutText of ${raw} bytes, more than ${limits.maxCutText}`);
      size = 8 + raw;
      if (!q.has(size)) return null;
      // RFC 6143 §7.5.6: the text is ISO 8859-1.
      message = { type: 'ClientCutText', text: Buffer.from(q.peekBytes(raw, 8)).toString('latin1') };
      break;
    }
    case CLIENT_MESSAGE.SetDesktopSize: {
      if (!q.has(8)) return null;
      const n = q.peekU8(6);
      if (n === 0) malformed('SetDesktopSize with no screens');
      size = 8 + 16 * n;
      if (!q.has(size)) return null;
      const screens: RfbScreen[] = [];
      for (let i = 0; i < n; i++) {
        const o = 8 + 16 * i;
        screens.push({ id: q.peekU32(o), x: q.peekU16(o + 4), y: q.peekU16(o + 6), w: q.peekU16(o + 8), h: q.peekU16(o + 10), flags: q.peekU32(o + 12) });
      }
      message = { type: 'SetDesktopSize', width: q.peekU16(2), height: q.peekU16(4), screens };
      break;
    }
    default:
      malformed(`unknown client message type ${type}`);
  }
  return { message, raw: q.take(size) };
}

/** Serialises a client-to-server message (used by test clients and the technician client). */
export function encodeClientMessage(m: ClientMessage): Uint8Array {
  switch (m.type) {
    case 'SetPixelFormat': {
      const b = new Uint8Array(20);
      b[0] = CLIENT_MESSAGE.SetPixelFormat;
      b.set(encodePixelFormat(m.format), 4);
      return b;
    }
    case 'SetEncodings': {
      const b = Buffer.alloc(4 + 4 * m.encodings.length);
      b[0] = CLIENT_MESSAGE.SetEncodings;
      b.writeUInt16BE(m.encodings.length, 2);
      m.encodings.forEach((e, i) => b.writeInt32BE(e, 4 + 4 * i));
      return b;
    }
    case 'FramebufferUpdateRequest': {
      const b = Buffer.alloc(10);
      b[0] = CLIENT_MESSAGE.FramebufferUpdateRequest;
      b[1] = m.incremental ? 1 : 0;
      b.writeUInt16BE(m.x, 2); b.writeUInt16BE(m.y, 4); b.writeUInt16BE(m.w, 6); b.writeUInt16BE(m.h, 8);
      return b;
    }
    case 'KeyEvent': {
      const b = Buffer.alloc(8);
      b[0] = CLIENT_MESSAGE.KeyEvent;
      b[1] = m.down ? 1 : 0;
      b.writeUInt32BE(m.keysym >>> 0, 4);
      return b;
    }
    case 'PointerEvent': {
      const b = Buffer.alloc(6);
      b[0] = CLIENT_MESSAGE.PointerEvent;
      b[1] = m.buttonMask;
      b.writeUInt16BE(m.x, 2); b.writeUInt16BE(m.y, 4);
      return b;
    }
    case 'ClientCutText': {
      const text = Buffer.from(m.text, 'latin1');
      const b = Buffer.alloc(8 + text.length);
      b[0] = CLIENT_MESSAGE.ClientCutText;
      b.writeUInt32BE(text.length, 4);
      text.copy(b, 8);
      return b;
    }
    case 'SetDesktopSize': {
      const b = Buffer.alloc(8 + 16 * m.screens.length);
      b[0] = CLIENT_MESSAGE.SetDesktopSize;
      b.writeUInt16BE(m.width, 2); b.writeUInt16BE(m.height, 4);
      b[6] = m.screens.length;
      m.screens.forEach((s, i) => {
        const o = 8 + 16 * i;
        b.writeUInt32BE(s.id >>> 0, o); b.writeUInt16BE(s.x, o + 4); b.writeUInt16BE(s.y, o + 6);
        b.writeUInt16BE(s.w, o + 8); b.writeUInt16BE(s.h, o + 10); b.writeUInt32BE(s.flags >>> 0, o + 12);
      });
      return b;
    }
  }
}
