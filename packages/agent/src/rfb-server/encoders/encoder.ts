import type { Framebuffer, PixelFormat, Rect } from '@tandem/rfb';
import type { PersistentDeflate } from '../zlib-stream.js';

/** A JPEG encoder Tight can use; input is packed RGB, 3 bytes per pixel. */
export interface JpegEncoder {
  encode(rgb: Uint8Array, width: number, height: number, quality: number): Promise<Uint8Array>;
}

/**
 * Per-connection encoder state. Zlib, ZRLE and Tight each keep their zlib
 * streams for the whole connection (RFC 6143 §7.7.5-7.7.6; Tight has four);
 * they are created on first use and closed with the connection.
 */
export class EncoderStreams {
  #streams = new Map<string, PersistentDeflate>();
  readonly #create: (level: number) => PersistentDeflate;

  constructor(create: (level: number) => PersistentDeflate) {
    this.#create = create;
  }

  /** The stream named `key`, created at `level` on first use. */
  get(key: string, level: number): PersistentDeflate {
    let s = this.#streams.get(key);
    if (!s) {
      s = this.#create(level);
      this.#streams.set(key, s);
    }
    return s;
  }

  /** Closes every stream. */
  close(): void {
    for (const s of this.#streams.values()) s.close();
    this.#streams.clear();
  }
}

/** What an encoder needs to encode one rectangle for one client. */
export interface EncodeContext {
  fb: Framebuffer;
  pf: PixelFormat;
  /** 0..9 */
  compressLevel: number;
  /** 0..9, or -1: no JPEG. */
  qualityLevel: number;
  streams: EncoderStreams;
  jpeg: JpegEncoder | null;
}

/** Wire rectangles (header and payload each) an encoder produced for one input rectangle. */
export interface EncodedRects {
  count: number;
  chunks: Uint8Array[];
}

/** One RFB encoding. Encoders are stateless; per-connection state lives in {@link EncodeContext}. */
export interface RectEncoder {
  readonly encoding: number;
  readonly name: string;
  encode(rect: Rect, ctx: EncodeContext): Promise<EncodedRects>;
}
