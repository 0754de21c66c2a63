/**
 * Fuzz target: the record layer's opener (record-layer.ts `RecordOpener`),
 * which authenticates every end-to-end frame from the other end. A genuine
 * sealer seals records and a close; the input then plays a hostile relay on
 * the wire (drops, duplicates, reorders, flips bits, truncates, inserts
 * frames of its own, oversized ones too) and decides which opens are awaited
 * one by one and which are issued together.
 *
 * Invariants: the n-th frame opens if and only if it is byte for byte the
 * sealer's n-th frame and every frame before it opened; then it yields the
 * sealed plaintext (or the close). The first failure is a TandemError
 * TANDEM_ERR_RECORD_AUTH, TANDEM_ERR_PROTOCOL or TANDEM_ERR_MESSAGE_TOO_LARGE,
 * and every later open fails with that same error; a frame after the close
 * fails; promises settle in call order; `end()` succeeds exactly when the
 * close was authenticated, and throws TANDEM_ERR_TRUNCATED (or the earlier
 * failure) otherwise.
 */
import { webCryptoAeadProvider, type Aead } from '../src/aead.js';
import { LIMITS } from '../src/constants.js';
import { TandemError, type TandemErrorCode } from '../src/errors.js';
import { RecordOpener, RecordSealer, type OpenedFrame } from '../src/record-layer.js';

/** How scripts/fuzz.mjs runs this target. */
export const fuzzOptions = { sync: false, maxLen: 4096 };

function expectTandemError(err: unknown, allowed: readonly TandemErrorCode[]): asserts err is TandemError {
  if (!(err instanceof TandemError)) throw new Error(`threw ${String(err)}, not a TandemError`, { cause: err });
  if (!allowed.includes(err.code)) throw new Error(`threw ${err.code}, expected one of ${allowed.join(', ')}: ${err.message}`, { cause: err });
}

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
const IV = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
const MAX_OPS = 48;

/** Reads the input front to back; past its end every read is 0. */
class Reader {
  #pos = 0;
  constructor(readonly data: Uint8Array) {}
  get done(): boolean {
    return this.#pos >= this.data.length;
  }
  u8(): number {
    return this.#pos < this.data.length ? (this.data[this.#pos++] as number) : 0;
  }
  bytes(n: number): Uint8Array {
    const out = this.data.slice(this.#pos, this.#pos + n);
    this.#pos += out.length;
    return out;
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

async function keys(): Promise<{ seal: Aead; open: Aead }> {
  const provider = webCryptoAeadProvider();
  const [seal, open] = await Promise.all([provider.importKey(KEY), provider.importKey(KEY)]);
  return { seal, open };
}

/** One input: the plaintexts the sender seals, then what the wire does with the frames. */
export async function fuzz(data: Buffer): Promise<void> {
  const r = new Reader(new Uint8Array(data.buffer, data.byteOffset, data.length));
  const { seal, open } = await keys();
  const sealer = new RecordSealer(seal, IV);
  const opener = new RecordOpener(open, IV);

  // The sender: up to 8 records of the input's bytes, then (usually) the close.
  const plaintexts: Uint8Array[] = [];
  const records = r.u8() % 9;
  for (let i = 0; i < records; i++) plaintexts.push(r.bytes(r.u8() % 64));
  const genuine: Uint8Array[] = await Promise.all(plaintexts.map((p) => sealer.seal(p)));
  const withClose = r.u8() % 4 !== 0;
  if (withClose) genuine.push(await sealer.sealClose());

  // The wire: starts as the genuine frames, then the input edits it.
  const wire: Uint8Array[] = genuine.map((f) => f.slice());
  for (let op = 0; op < MAX_OPS && !r.done; op++) {
    const at = wire.length === 0 ? 0 : r.u8() % wire.length;
    switch (r.u8() % 7) {
      case 0: wire.splice(at, 1); break; // drop
      case 1: { const frame = wire[at]; if (frame) wire.splice(at, 0, frame.slice()); break; } // duplicate
      case 2: { // swap with the next
        const a = wire[at], b = wire[at + 1];
        if (a && b) { wire[at] = b; wire[at + 1] = a; }
        break;
      }
      case 3: { // flip bits of one byte
        const f = wire[at];
        if (f && f.length > 0) { const i = r.u8() % f.length; f[i] = (f[i] as number) ^ (r.u8() | 1); }
        break;
      }
      case 4: { // truncate
        const f = wire[at];
        if (f) wire[at] = f.subarray(0, r.u8() % (f.length + 1));
        break;
      }
      case 5: wire.splice(at, 0, r.bytes(r.u8())); break; // a frame of the relay's own
      case 6: wire.splice(at, 0, new Uint8Array(LIMITS.maxFrameBytes + 1 + r.u8())); break; // oversized
    }
  }
  const together = r.u8();

  // Expected outcome of each open, in order.
  let failedAt = -1;
  let closedAt = -1;
  const expected = wire.map((frame, n) => {
    if (failedAt >= 0 || closedAt >= 0) return 'fail';
    const g = genuine[n];
    if (g === undefined || !equal(frame, g)) {
      failedAt = n;
      return 'fail';
    }
    if (withClose && n === genuine.length - 1) {
      closedAt = n;
      return 'close';
    }
    return 'data';
  });

  // Open: in runs issued together (not awaited in between) or one by one, as the input says.
  const settledOrder: number[] = [];
  const outcomes: PromiseSettledResult<OpenedFrame>[] = [];
  let pending: Promise<OpenedFrame>[] = [];
  for (let n = 0; n < wire.length; n++) {
    const p = opener.open(wire[n] as Uint8Array);
    void p.then(() => settledOrder.push(n), () => settledOrder.push(n));
    pending.push(p);
    if (((together >> (n % 8)) & 1) === 0) {
      outcomes.push(...(await Promise.allSettled(pending)));
      pending = [];
    }
  }
  outcomes.push(...(await Promise.allSettled(pending)));
  await Promise.resolve();

  let firstError: TandemError | undefined;
  outcomes.forEach((o, n) => {
    const want = expected[n];
    if (o.status === 'rejected') {
      if (want !== 'fail') throw new Error(`frame ${n} failed but is genuine: ${String(o.reason)}`);
      expectTandemError(o.reason, ['TANDEM_ERR_RECORD_AUTH', 'TANDEM_ERR_PROTOCOL', 'TANDEM_ERR_MESSAGE_TOO_LARGE']);
      if (firstError === undefined) firstError = o.reason;
      else if (n > failedAt && failedAt >= 0 && o.reason !== firstError) throw new Error(`frame ${n} failed with another error than the first failure: ${o.reason.message}`);
      return;
    }
    if (want === 'fail') throw new Error(`frame ${n} opened but is not the genuine frame ${n}`);
    if (want === 'close' && o.value.kind !== 'close') throw new Error(`frame ${n} is the close but opened as data`);
    if (want === 'data') {
      if (o.value.kind !== 'data' || !equal(o.value.plaintext, plaintexts[n] as Uint8Array)) throw new Error(`frame ${n} opened to other bytes than were sealed`);
    }
  });
  if (settledOrder.some((n, i) => n !== i)) throw new Error(`opens settled out of call order: ${settledOrder.join(',')}`);

  const closed = closedAt >= 0 && (failedAt < 0 || failedAt > closedAt);
  if (opener.closed !== closed) throw new Error(`closed is ${opener.closed}, expected ${closed}`);
  const ended = thrown(() => opener.end());
  if (closed) {
    if (ended !== undefined) throw new Error(`end() failed after the close: ${ended instanceof Error ? ended.message : 'a non-error'}`, { cause: ended });
  } else {
    if (ended === undefined) throw new Error('end() succeeded without an authenticated close');
    expectTandemError(ended, ['TANDEM_ERR_TRUNCATED', 'TANDEM_ERR_RECORD_AUTH', 'TANDEM_ERR_PROTOCOL', 'TANDEM_ERR_MESSAGE_TOO_LARGE']);
    if (firstError !== undefined && ended !== firstError) throw new Error('end() did not report the earlier failure');
  }
}

/** What `fn` throws, or undefined. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

/** Sessions as they run: a few records then the close, delivered as sealed, awaited and together. */
export function seeds(): Uint8Array[] {
  return [
    Uint8Array.of(0, 1),
    Uint8Array.of(3, 5, 104, 101, 108, 108, 111, 0, 2, 0, 120, 1, 0xff),
    Uint8Array.of(8, 4, 1, 2, 3, 4, 0, 0, 0, 10, ...Array.from({ length: 10 }, (_, i) => i), 1, 65, 2, 66, 67, 3, 1, 2, 3, 0, 0, 0),
    Uint8Array.of(2, 3, 1, 2, 3, 3, 9, 9, 9, 1, 0, 3, 5, 7, 0xff),
  ];
}
