import type { ByteQueue, RectHeader } from '@tandem/rfb';
import type { ClientFramebuffer } from '../framebuffer.js';
import type { InflateStreams } from '../inflate-stream.js';

/** A rectangle header of a FramebufferUpdate (RFC 6143 §7.6.1): the wire format's, @tandem/rfb. */
export type { RectHeader };

/** What a decoder works on: the client's framebuffer and the connection's zlib streams. */
export interface DecodeContext {
  fb: ClientFramebuffer;
  inflaters: InflateStreams;
  /** Called by the size pseudo-encodings after they resized `fb`. */
  onResize(width: number, height: number): void;
}

/**
 * One RFB encoding on the receiving side (as noVNC's decoders). `decode`
 * reads the rectangle's payload from `q` and draws it. When `q` does not yet
 * hold the whole payload it resolves `false` and consumes nothing: "need more
 * bytes" is a return value, never an exception. Malformed data rejects with
 * TANDEM_ERR_PROTOCOL. Decoders assume the client's pixel format
 * (32 bits, little-endian, red at bit 16, green 8, blue 0).
 */
export interface RectDecoder {
  readonly encoding: number;
  readonly name: string;
  /** True for pseudo-encodings, whose rectangle is not a screen area. */
  readonly pseudo: boolean;
  decode(rect: RectHeader, q: ByteQueue, ctx: DecodeContext): Promise<boolean>;
}

/** Largest zlib payload accepted for one rectangle (a 4096x4096 screen of raw pixels, with room). */
export const MAX_ZLIB_PAYLOAD = 80 << 20;
