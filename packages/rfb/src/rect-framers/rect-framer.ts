import { TandemError } from '@tandem/protocol';
import type { ByteQueue } from '../byte-queue.js';
import type { PixelFormat } from '../pixel-format.js';

/** A rectangle header of a FramebufferUpdate (RFC 6143 §7.6.1); `encoding` is signed. */
export interface RectHeader {
  x: number;
  y: number;
  w: number;
  h: number;
  encoding: number;
}

/**
 * Finds where one rectangle's payload ends, for one encoding, without
 * decoding it: no pixel is read, nothing is inflated. `payloadLength` looks
 * at the first bytes of the payload at the front of `q` (the 12-byte header
 * already taken) and returns the payload's whole length in bytes, prefix
 * included, consuming nothing. When `q` does not yet hold enough to tell it
 * returns `null`: "need more bytes" is a return value, never an exception.
 * A payload that breaks the encoding's rules throws TANDEM_ERR_PROTOCOL.
 * `pf` is the pixel format the server sends in (ServerInit's, or the
 * client's SetPixelFormat).
 */
export interface RectFramer {
  readonly encoding: number;
  readonly name: string;
  /** LastRect: the update ends with this rectangle, whatever its count said. */
  readonly endsUpdate?: true;
  payloadLength(rect: RectHeader, q: ByteQueue, pf: PixelFormat): number | null;
}

/** Throws the framers' TANDEM_ERR_PROTOCOL for `encoding`. */
export function badRect(encoding: string, message: string): never {
  throw new TandemError('TANDEM_ERR_PROTOCOL', `rfb: ${encoding} rectangle: ${message}`);
}
