import { constants, createDeflate, type Deflate } from 'node:zlib';

/**
 * One persistent zlib stream, as Zlib, ZRLE and Tight need: RFC 6143 §7.7.5
 * and §7.7.6 keep a single zlib stream for the whole connection, each update's
 * data ending in a sync flush so the client can decode it without the rest.
 * Native zlib through node:zlib's public stream API; calls are serialised.
 */
export class PersistentDeflate {
  #deflate: Deflate;
  #level: number;
  #out: Buffer[] = [];
  #chain: Promise<unknown> = Promise.resolve();
  #error: Error | null = null;

  constructor(level: number) {
    this.#level = level;
    this.#deflate = createDeflate({ level });
    this.#deflate.on('data', (chunk: Buffer) => this.#out.push(chunk));
    this.#deflate.on('error', (err: Error) => { this.#error = err; });
  }

  /** The compression level in use. */
  get level(): number {
    return this.#level;
  }

  /**
   * Compresses `parts` as the stream's next bytes and returns everything the
   * stream produced up to and including a Z_SYNC_FLUSH.
   */
  compress(parts: readonly Uint8Array[], level = this.#level): Promise<Buffer> {
    const run = async (): Promise<Buffer> => {
      if (this.#error) throw this.#error;
      if (level !== this.#level) {
        // deflateParams flushes pending output with the old level first; that output belongs to this update too.
        await new Promise<void>((resolve) => this.#deflate.params(level, constants.Z_DEFAULT_STRATEGY, () => resolve()));
        this.#level = level;
      }
      for (const p of parts) if (p.length > 0) this.#deflate.write(p);
      await new Promise<void>((resolve, reject) => {
        this.#deflate.flush(constants.Z_SYNC_FLUSH, () => (this.#error ? reject(this.#error) : resolve()));
      });
      const out = Buffer.concat(this.#out);
      this.#out = [];
      return out;
    };
    const p = this.#chain.then(run, run);
    this.#chain = p.catch(() => undefined);
    return p;
  }

  /** Ends the stream and frees zlib's memory. */
  close(): void {
    this.#deflate.close();
  }
}
