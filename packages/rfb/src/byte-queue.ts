/**
 * A queue of incoming byte chunks read without copying until a message is
 * complete. Byte buffering is kept apart from message logic (as ws's receiver
 * and noVNC's websock do): readers first ask {@link ByteQueue.has} and treat a
 * short queue as "need more bytes", a return value, never an exception.
 */
export class ByteQueue {
  #chunks: Uint8Array[] = [];
  #head = 0; // bytes already consumed from #chunks[0]
  #length = 0;

  /** Bytes available to read. */
  get length(): number {
    return this.#length;
  }

  /** Appends a chunk (kept by reference: the caller must not reuse it). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** True when at least `n` bytes are available. */
  has(n: number): boolean {
    return this.#length >= n;
  }

  /** The byte at `offset` from the read position, without consuming it. */
  peekU8(offset = 0): number {
    if (offset < 0 || offset >= this.#length) throw new RangeError(`ByteQueue.peekU8: offset ${offset} past ${this.#length} bytes`);
    let pos = this.#head + offset;
    for (const chunk of this.#chunks) {
      if (pos < chunk.length) return chunk[pos] as number;
      pos -= chunk.length;
    }
    throw new RangeError('ByteQueue.peekU8: unreachable');
  }

  /** Big-endian unsigned 16 bits at `offset`, without consuming. */
  peekU16(offset = 0): number {
    return (this.peekU8(offset) << 8) | this.peekU8(offset + 1);
  }

  /** Big-endian unsigned 32 bits at `offset`, without consuming. */
  peekU32(offset = 0): number {
    return this.peekU16(offset) * 0x10000 + this.peekU16(offset + 2);
  }

  /** Copies `n` bytes from `offset` without consuming them. */
  peekBytes(n: number, offset = 0): Uint8Array {
    if (n < 0 || offset < 0 || offset + n > this.#length) throw new RangeError(`ByteQueue.peekBytes: ${n} bytes at ${offset} past ${this.#length}`);
    const out = new Uint8Array(n);
    let skip = this.#head + offset;
    let written = 0;
    for (const chunk of this.#chunks) {
      if (written === n) break;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      const take = Math.min(chunk.length - skip, n - written);
      out.set(chunk.subarray(skip, skip + take), written);
      written += take;
      skip = 0;
    }
    return out;
  }

  /** Drops `n` bytes from the read position. */
  skip(n: number): void {
    if (n < 0 || n > this.#length) throw new RangeError(`ByteQueue.skip: ${n} past ${this.#length} bytes`);
    this.#length -= n;
    let left = n;
    while (left > 0) {
      const first = this.#chunks[0] as Uint8Array;
      const rest = first.length - this.#head;
      if (left < rest) {
        this.#head += left;
        return;
      }
      left -= rest;
      this.#chunks.shift();
      this.#head = 0;
    }
    if (this.#chunks.length > 0 && this.#head === (this.#chunks[0] as Uint8Array).length) {
      this.#chunks.shift();
      this.#head = 0;
    }
  }

  /** Consumes and returns `n` bytes. */
  take(n: number): Uint8Array {
    const out = this.peekBytes(n);
    this.skip(n);
    return out;
  }

  /**
   * Consumes and returns at most `max` bytes, without copying: a view of
   * the first queued chunk (so possibly fewer than `max` even when more are
   * queued). For passing a long payload on piece by piece; empty when the
   * queue is.
   */
  takeUpTo(max: number): Uint8Array {
    if (max < 0) throw new RangeError(`ByteQueue.takeUpTo: ${max} bytes`);
    const first = this.#chunks[0];
    if (first === undefined || max === 0) return new Uint8Array(0);
    const n = Math.min(max, first.length - this.#head);
    const out = first.subarray(this.#head, this.#head + n);
    this.skip(n);
    return out;
  }

  /** Forgets everything queued. */
  clear(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#length = 0;
  }
}
