import { TandemError } from '@tandem/protocol';
import type SharpFn from 'sharp';
import type { JpegEncoder } from '../encoders/encoder.js';

type Sharp = typeof SharpFn;

/** Options of {@link createSharpJpegEncoder}. */
export interface SharpJpegOptions {
  /**
   * Optimised Huffman tables: about 15% fewer bytes at Tight quality level 6
   * for about twice the encode time (docs/benchmarks.md, "JPEG encoder for
   * Tight"). Default true: the link, not the agent's CPU, is the scarce part.
   */
  optimiseCoding?: boolean;
}

/**
 * The Tight JPEG encoder, on sharp (libvips with libjpeg-turbo's SIMD code,
 * prebuilt binaries from npm). Chosen by measurement over jpeg-js,
 * @napi-rs/image and @jsquash/jpeg: 10 to 20 times faster per megapixel than
 * the pure-JS and WebAssembly encoders, and asynchronous, so encoding runs on
 * libuv's thread pool instead of the event loop that also carries the session.
 *
 * sharp is loaded on first use, so an agent where it cannot load still starts;
 * the first JPEG rectangle then fails the connection with a clear error.
 * Chroma subsampling follows TigerVNC's quality table: none from JPEG quality
 * 79 (level 6) up, 4:2:0 below (libvips has no 4:2:2, which TigerVNC uses at
 * levels 3 to 5).
 */
export function createSharpJpegEncoder(opts: SharpJpegOptions = {}): JpegEncoder {
  const optimiseCoding = opts.optimiseCoding ?? true;
  let loaded: Promise<Sharp> | null = null;
  const load = (): Promise<Sharp> => {
    loaded ??= import('sharp').then(
      (m) => {
        // libvips' operation cache keeps recent inputs alive; every rectangle is new, so it would only hold memory.
        m.default.cache(false);
        return m.default;
      },
      (err: unknown) => {
        throw new TandemError('TANDEM_ERR_INTERNAL', `jpeg: cannot load sharp: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    return loaded;
  };
  return {
    async encode(rgb, width, height, quality) {
      if (rgb.length !== width * height * 3) throw new TandemError('TANDEM_ERR_INTERNAL', `jpeg: ${rgb.length} bytes for ${width}x${height} RGB`);
      const sharp = await load();
      const out = await sharp(rgb, { raw: { width, height, channels: 3 } })
        .jpeg({ quality, chromaSubsampling: quality >= 79 ? '4:4:4' : '4:2:0', optimiseCoding })
        .toBuffer();
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    },
  };
}
