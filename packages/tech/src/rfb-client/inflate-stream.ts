import { constants, createInflate, type Inflate } from 'node:zlib';
import { TandemError } from '@tandem/protocol';

/**
 * One persistent zlib inflate stream, the receiving half of the streams that
 * Zlib and ZRLE keep for a whole connection (RFC 6143 §7.7.5, §7.7.6): each
 * rectangle's data ends in a sync flush on the server's side, so everything
 * it holds can be inflated at once. Native zlib through node:zlib's public
 * stream API; calls are serialised.
 */
export class PersistentInflate {
  readonly #inflate: Inflate;
  #out: Buffer[] = [];
  #outBytes = 0;
  #limit = 0;
  #error: TandemError | null = null;
  #wake: (() => void) | null = null;
  #chain: Promise<unknown> = Promise.resolve();

  constructor() {
    this.#inflate = createInflate();
    this.#inflate.on('data', (chunk: Buffer) => {
      if (this.#error) return;
      this.#out.push(chunk);
      this.#outBytes += chunk.length;
      // A rectangle never inflates past its own pixels: more is a zlib bomb, not a picture. Stop
      // inflating at once and drop what was buffered, rather than hold all it would inflate to.
      if (this.#outBytes > this.#limit) {
        this.#error = new TandemError('TANDEM_ERR_PROTOCOL', `rfb: zlib data inflates past ${this.#limit} bytes`);
        this.#out = [];
        this.#inflate.destroy();
        this.#wake?.();
      }
    });
    this.#inflate.on('error', (err: Error) => {
      this.#error ??= new TandemError('TANDEM_ERR_PROTOCOL', `rfb: bad zlib data: ${err.message}`);
      // A failed stream may never call the flush callback: wake the waiting call here.
      this.#wake?.();
    });
  }

  /** Inflates the next `data` of the stream; rejects when it would produce more than `maxBytes`. */
  inflate(data: Uint8Array, maxBytes: number): Promise<Buffer> {
    const run = async (): Promise<Buffer> => {
      if (this.#error) throw this.#error;
      this.#limit = maxBytes;
      this.#out = [];
      this.#outBytes = 0;
      this.#inflate.write(data);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#inflate.flush(constants.Z_SYNC_FLUSH, () => resolve());
      });
      this.#wake = null;
      // Set by the stream's handlers while we waited (TypeScript still sees the null from above).
      const error = this.#failure();
      if (error) throw error;
      const out = Buffer.concat(this.#out);
      this.#out = [];
      return out;
    };
    const p = this.#chain.then(run, run);
    this.#chain = p.catch(() => undefined);
    return p;
  }

  /** Frees zlib's memory. */
  close(): void {
    this.#inflate.close();
  }

  /** What went wrong in the stream since the last call, if anything. */
  #failure(): TandemError | null {
    return this.#error;
  }
}

/** The inflate streams of one connection, by name, created on first use. */
export class InflateStreams {
  readonly #streams = new Map<string, PersistentInflate>();

  get(name: string): PersistentInflate {
    let s = this.#streams.get(name);
    if (!s) {
      s = new PersistentInflate();
      this.#streams.set(name, s);
    }
    return s;
  }

  close(): void {
    for (const s of this.#streams.values()) s.close();
    this.#streams.clear();
  }
}
