/**
 * The record layer: AEAD frames for one direction of the end-to-end stream,
 * in the manner of TLS 1.3 (RFC 8446 §5.2, §5.3).
 *
 * - A frame is one binary WebSocket message: `[FRAME_TYPE.record][ciphertext || tag]`,
 *   or `[FRAME_TYPE.close][tag]` (the seal of an empty plaintext) to end the stream.
 * - The additional data is the frame-type byte, so a record cannot pass for a close.
 * - The nonce is the direction's 12-byte IV XOR the 64-bit big-endian record
 *   number, left-padded (RFC 8446 §5.3). The number is implicit: both sides
 *   count, so a replayed, reordered, dropped or foreign frame fails authentication.
 * - A stream that ends without an authenticated close was truncated.
 *
 * Record numbers are taken when seal()/open() is called, so callers may issue
 * several calls without awaiting; their promises settle in call order.
 */
import { AEAD_NONCE_BYTES, AEAD_TAG_BYTES, type Aead } from './aead.js';
import { assertBytes, assertThat } from './assert.js';
import { concatBytes } from './bytes.js';
import { FRAME_TYPE, LIMITS } from './constants.js';
import { TandemError, toTandemError } from './errors.js';

/** Bytes a frame adds to its plaintext: the type byte and the GCM tag. */
export const RECORD_OVERHEAD = 1 + AEAD_TAG_BYTES;
/** Largest plaintext one record carries, so that its frame fits in {@link LIMITS.maxFrameBytes}. */
export const MAX_RECORD_PLAINTEXT = LIMITS.maxFrameBytes - RECORD_OVERHEAD;
/** Record numbers are 64-bit; 2^64 records is the end of a key (RFC 8446 §5.3). */
const RECORD_NUMBER_LIMIT = 1n << 64n;
const CLOSE_FRAME_BYTES = RECORD_OVERHEAD;

/** What {@link RecordOpener.open} yields. */
export type OpenedFrame = { kind: 'data'; plaintext: Uint8Array } | { kind: 'close' };

/** Options of both ends of a record stream. */
export interface RecordLayerOptions {
  /** Number of the first record, 0 by default; only tests of counter exhaustion set it. */
  firstRecordNumber?: bigint;
}

/** The per-record nonce: IV XOR the record number, big-endian in the last 8 bytes (RFC 8446 §5.3). */
export function recordNonce(iv: Uint8Array, recordNumber: bigint): Uint8Array {
  assertBytes(iv, 'iv', AEAD_NONCE_BYTES);
  assertThat(recordNumber >= 0n && recordNumber < RECORD_NUMBER_LIMIT, 'recordNumber', 'must be a 64-bit unsigned integer');
  const nonce = iv.slice();
  for (let i = 0; i < 8; i++) {
    const at = AEAD_NONCE_BYTES - 1 - i;
    nonce[at] = (nonce[at] as number) ^ Number((recordNumber >> BigInt(8 * i)) & 0xffn);
  }
  return nonce;
}

/**
 * What both ends share: the key, the IV, the next record number, the first
 * failure (after which everything fails with it) and the chain that makes
 * results settle in call order.
 */
class RecordSequence {
  readonly #aead: Aead;
  readonly #iv: Uint8Array;
  #next: bigint;
  #failure: TandemError | undefined;
  #tail: Promise<void> = Promise.resolve();

  constructor(aead: Aead, iv: Uint8Array, options: RecordLayerOptions | undefined) {
    assertThat(typeof aead === 'object' && aead !== null && typeof aead.seal === 'function' && typeof aead.open === 'function', 'aead', 'must be an Aead');
    assertBytes(iv, 'iv', AEAD_NONCE_BYTES);
    const first = options?.firstRecordNumber ?? 0n;
    assertThat(typeof first === 'bigint' && first >= 0n && first < RECORD_NUMBER_LIMIT, 'firstRecordNumber', 'must be a 64-bit unsigned integer');
    this.#aead = aead;
    this.#iv = iv.slice();
    this.#next = first;
  }

  get aead(): Aead {
    return this.#aead;
  }

  get failure(): TandemError | undefined {
    return this.#failure;
  }

  /** Poisons the sequence with its first failure and returns that failure: every later operation fails with it. */
  poison(err: unknown): TandemError {
    this.#failure ??= toTandemError(err);
    return this.#failure;
  }

  /** Takes the next record number now and returns it with its nonce; fails rather than wrap at 2^64. */
  take(): { recordNumber: bigint; nonce: Uint8Array } {
    if (this.#failure) throw this.#failure;
    if (this.#next >= RECORD_NUMBER_LIMIT) {
      throw this.poison(new TandemError('TANDEM_ERR_PROTOCOL', 'record numbers exhausted (2^64 records): the session must end'));
    }
    const recordNumber = this.#next;
    this.#next += 1n;
    return { recordNumber, nonce: recordNonce(this.#iv, recordNumber) };
  }

  /**
   * Settles `work` after every earlier call settled, then maps it with
   * `finish`. A failure of either fails the sequence; once failed, every
   * pending and later call rejects with that same error.
   */
  ordered<T, R>(work: Promise<T>, finish: (value: T) => R): Promise<R> {
    const settled = work.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const result = this.#tail.then(async () => {
      const outcome = await settled;
      if (this.#failure) throw this.#failure;
      if (!outcome.ok) throw this.poison(outcome.error);
      try {
        return finish(outcome.value);
      } catch (err) {
        throw this.poison(err);
      }
    });
    // The chain only orders; each caller observes its own result's rejection.
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/** Seals one direction's frames. */
export class RecordSealer {
  readonly #seq: RecordSequence;
  #closed = false;

  constructor(aead: Aead, iv: Uint8Array, options?: RecordLayerOptions) {
    this.#seq = new RecordSequence(aead, iv, options);
  }

  /** True once {@link sealClose} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Seals `plaintext` (at most {@link MAX_RECORD_PLAINTEXT} bytes) into a
   * record frame.
   * @throws TandemError `TANDEM_ERR_MESSAGE_TOO_LARGE` for a larger plaintext
   *   (rejected promise; no record number is used up).
   */
  seal(plaintext: Uint8Array): Promise<Uint8Array> {
    try {
      assertBytes(plaintext, 'plaintext');
      if (plaintext.length > MAX_RECORD_PLAINTEXT) {
        throw new TandemError('TANDEM_ERR_MESSAGE_TOO_LARGE', `record plaintext of ${plaintext.length} bytes exceeds ${MAX_RECORD_PLAINTEXT}`);
      }
      return this.#seal(FRAME_TYPE.record, plaintext);
    } catch (err) {
      return Promise.reject(toTandemError(err));
    }
  }

  /** Seals the close frame that authenticates the end of the stream; nothing can be sealed after it. */
  sealClose(): Promise<Uint8Array> {
    try {
      const frame = this.#seal(FRAME_TYPE.close, new Uint8Array(0));
      this.#closed = true;
      return frame;
    } catch (err) {
      return Promise.reject(toTandemError(err));
    }
  }

  #seal(type: number, plaintext: Uint8Array): Promise<Uint8Array> {
    if (this.#closed) throw new TandemError('TANDEM_ERR_PROTOCOL', 'the record stream is closed: nothing can be sent after the close frame');
    const { nonce } = this.#seq.take();
    const header = Uint8Array.of(type);
    return this.#seq.ordered(this.#seq.aead.seal(nonce, plaintext, header), (sealed) => concatBytes(header, sealed));
  }
}

/** Opens one direction's frames, in order, exactly once each. */
export class RecordOpener {
  readonly #seq: RecordSequence;
  /** A close frame was handed to open(): nothing may follow it. */
  #closeSeen = false;
  /** The close frame authenticated. */
  #closed = false;

  constructor(aead: Aead, iv: Uint8Array, options?: RecordLayerOptions) {
    this.#seq = new RecordSequence(aead, iv, options);
  }

  /** True once the peer's close frame was authenticated. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Authenticates and decrypts the next frame.
   * @throws TandemError `TANDEM_ERR_RECORD_AUTH` for a tampered, replayed,
   *   reordered, dropped-before or foreign frame; `TANDEM_ERR_PROTOCOL` for a
   *   malformed frame or one after the close; `TANDEM_ERR_MESSAGE_TOO_LARGE`
   *   for an oversized one. After any failure every later call fails with the
   *   same error.
   */
  open(frame: Uint8Array): Promise<OpenedFrame> {
    try {
      if (this.#seq.failure) throw this.#seq.failure;
      const type = this.#checkFrame(frame);
      const { recordNumber, nonce } = this.#seq.take();
      if (type === FRAME_TYPE.close) this.#closeSeen = true;
      const opening = this.#seq.aead.open(nonce, frame.subarray(1), frame.subarray(0, 1)).catch((err: unknown) => {
        const cause = toTandemError(err);
        if (cause.code !== 'TANDEM_ERR_RECORD_AUTH') throw cause;
        throw new TandemError(
          'TANDEM_ERR_RECORD_AUTH',
          `${type === FRAME_TYPE.close ? 'close frame' : 'record'} #${recordNumber} failed authentication: tampered, replayed, reordered, preceded by a dropped record, or sealed with another key`,
          { cause },
        );
      });
      return this.#seq.ordered(opening, (plaintext): OpenedFrame => {
        if (type === FRAME_TYPE.record) return { kind: 'data', plaintext };
        this.#closed = true;
        return { kind: 'close' };
      });
    } catch (err) {
      // Fails the sequence in its turn, not at once: opens issued before this frame settle as they are.
      return this.#seq.ordered(Promise.reject<OpenedFrame>(toTandemError(err, 'TANDEM_ERR_PROTOCOL')), (opened) => opened);
    }
  }

  /**
   * Call when the transport ended. Succeeds only if the peer's close frame
   * was authenticated.
   * @throws TandemError `TANDEM_ERR_TRUNCATED` otherwise (or the opener's earlier failure).
   */
  end(): void {
    if (this.#closed) return;
    throw this.#seq.failure ?? this.#seq.poison(new TandemError('TANDEM_ERR_TRUNCATED', 'the encrypted stream ended without its authenticated close'));
  }

  /** Checks the frame's shape and returns its type byte. */
  #checkFrame(frame: Uint8Array): number {
    if (!(frame instanceof Uint8Array)) throw new TandemError('TANDEM_ERR_PROTOCOL', 'frame: must be binary');
    if (this.#closeSeen) throw new TandemError('TANDEM_ERR_PROTOCOL', 'a frame arrived after the close frame');
    if (frame.length > LIMITS.maxFrameBytes) {
      throw new TandemError('TANDEM_ERR_MESSAGE_TOO_LARGE', `frame of ${frame.length} bytes exceeds ${LIMITS.maxFrameBytes}`);
    }
    if (frame.length < RECORD_OVERHEAD) throw new TandemError('TANDEM_ERR_PROTOCOL', `frame of ${frame.length} bytes is shorter than a record's ${RECORD_OVERHEAD}`);
    const type = frame[0] as number;
    if (type === FRAME_TYPE.record) return type;
    if (type === FRAME_TYPE.close) {
      if (frame.length !== CLOSE_FRAME_BYTES) throw new TandemError('TANDEM_ERR_PROTOCOL', `close frame must be ${CLOSE_FRAME_BYTES} bytes, got ${frame.length}`);
      return type;
    }
    throw new TandemError('TANDEM_ERR_PROTOCOL', `frame type ${type} is not a record or close frame`);
  }
}
