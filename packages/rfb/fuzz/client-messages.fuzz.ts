/**
 * Fuzz target: the RFB client-message parser (rfb/client-messages.ts
 * `parseClientMessage`, over rfb/byte-queue.ts), which reads what a
 * technician's viewer sends (RFC 6143 §7.5).
 *
 * Invariants: it returns a message, or null consuming nothing when the queue
 * holds less than a whole message, or throws TandemError TANDEM_ERR_PROTOCOL
 * (never a RangeError of the queue or another exception); the same bytes
 * split at arbitrary points give the same messages, the same error and the
 * same bytes left over; each message's `raw` is exactly the bytes it took,
 * and `encodeClientMessage` of a message parses back to the same message.
 */
import { isDeepStrictEqual } from 'node:util';
import { TandemError, type TandemErrorCode } from '@tandem/protocol';
import { ByteQueue } from '../src/byte-queue.js';
import { DEFAULT_CLIENT_LIMITS, encodeClientMessage, parseClientMessage, type ClientMessage, type ClientMessageLimits } from '../src/client-messages.js';
import { encodePixelFormat, NATIVE_FORMAT } from '../src/pixel-format.js';

/** How scripts/fuzz.mjs runs this target. */
export const fuzzOptions = { sync: true, maxLen: 2048 };

function expectTandemError(err: unknown, allowed: readonly TandemErrorCode[]): void {
  if (!(err instanceof TandemError)) throw new Error(`threw ${String(err)}, not a TandemError`, { cause: err });
  if (!allowed.includes(err.code)) throw new Error(`threw ${err.code}, expected one of ${allowed.join(', ')}: ${err.message}`, { cause: err });
}

interface Outcome {
  messages: { message: ClientMessage; raw: Uint8Array }[];
  error: string | null;
  /** Bytes left queued, when no message failed (a failure leaves the rest of the input unread). */
  left: number;
}

/** Pushes `chunks` one by one, parsing all it can after each. */
function parseAll(chunks: readonly Uint8Array[], limits: ClientMessageLimits): Outcome {
  const q = new ByteQueue();
  const messages: Outcome['messages'] = [];
  try {
    for (const c of chunks) {
      q.push(c.slice());
      for (;;) {
        const before = q.length;
        const m = parseClientMessage(q, limits);
        if (m === null) {
          if (q.length !== before) throw new Error('a short read consumed bytes');
          break;
        }
        if (before - q.length !== m.raw.length) throw new Error(`raw is ${m.raw.length} bytes, the message took ${before - q.length}`);
        messages.push(m);
      }
    }
  } catch (err) {
    expectTandemError(err, ['TANDEM_ERR_PROTOCOL']);
    return { messages, error: `${(err as TandemError).code} ${(err as Error).message}`, left: -1 };
  }
  return { messages, error: null, left: q.length };
}

/** Split points from a small generator seeded by the input. */
function split(bytes: Uint8Array, seed: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let x = seed | 1;
  for (let at = 0; at < bytes.length;) {
    x = (x * 1103515245 + 12345) >>> 0;
    const n = 1 + ((x >>> 16) % (x & 0x100 ? 3 : 40));
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** One input: a limits byte, a split seed, then the technician's bytes after the handshake. */
export function fuzz(data: Buffer): void {
  if (data.length < 2) return;
  const small = (data[0] as number) & 1;
  const limits: ClientMessageLimits = small ? { maxCutText: 64, maxEncodings: 8 } : DEFAULT_CLIENT_LIMITS;
  const bytes = new Uint8Array(data.buffer, data.byteOffset + 2, data.length - 2);
  const whole = parseAll([bytes], limits);
  const pieces = parseAll(split(bytes, data[1] as number), limits);
  const byByte = parseAll(Array.from(bytes, (b) => Uint8Array.of(b)), limits);
  for (const other of [pieces, byByte]) {
    if (!isDeepStrictEqual(other, whole)) throw new Error(`split input parsed differently:\n${JSON.stringify(whole)}\n${JSON.stringify(other)}`);
  }
  // The raw bytes, back to back, are exactly the input's consumed prefix.
  let at = 0;
  for (const { message, raw } of whole.messages) {
    if (raw.some((b, i) => b !== bytes[at + i])) throw new Error('raw is not the bytes the message took');
    at += raw.length;
    const again = parseAll([encodeClientMessage(message)], DEFAULT_CLIENT_LIMITS);
    if (again.error !== null || again.left !== 0 || again.messages.length !== 1 || !isDeepStrictEqual(again.messages[0]?.message, message)) {
      throw new Error(`${JSON.stringify(message)} does not survive encodeClientMessage`);
    }
  }
}

/** Streams a viewer sends: the technician client's opening messages, input, clipboard, a resize. */
export function seeds(): Uint8Array[] {
  const msgs = (list: ClientMessage[]): Uint8Array => Buffer.concat(list.map((m) => encodeClientMessage(m)));
  const opening: ClientMessage[] = [
    { type: 'SetPixelFormat', format: NATIVE_FORMAT },
    { type: 'SetEncodings', encodings: [16, 6, 1, 0, -223, -308, -224] },
    { type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: 1024, h: 768 },
  ];
  const input: ClientMessage[] = [
    { type: 'PointerEvent', buttonMask: 0, x: 100, y: 200 },
    { type: 'PointerEvent', buttonMask: 1, x: 100, y: 200 },
    { type: 'KeyEvent', down: true, keysym: 0x61 },
    { type: 'KeyEvent', down: false, keysym: 0x61 },
    { type: 'ClientCutText', text: 'copied text, café' },
    { type: 'FramebufferUpdateRequest', incremental: true, x: 0, y: 0, w: 1024, h: 768 },
  ];
  const resize: ClientMessage[] = [{ type: 'SetDesktopSize', width: 1280, height: 720, screens: [{ id: 1, x: 0, y: 0, w: 1280, h: 720, flags: 0 }] }];
  const rgb565 = Uint8Array.of(0, 0, 0, 0, ...encodePixelFormat({ ...NATIVE_FORMAT, bitsPerPixel: 16, depth: 16, redMax: 31, greenMax: 63, blueMax: 31, redShift: 11, greenShift: 5, blueShift: 0 }));
  return [
    Uint8Array.of(0, 7, ...msgs(opening)),
    Uint8Array.of(0, 3, ...msgs(input)),
    Uint8Array.of(1, 9, ...msgs([...input, ...resize])),
    Uint8Array.of(0, 1, ...rgb565, ...msgs(resize)),
  ];
}
