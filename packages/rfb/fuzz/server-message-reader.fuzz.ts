/**
 * Fuzz target: the RFB server-message reader (rfb/server-message-reader.ts
 * with the rectangle framers of rfb/rect-framers/), which reads what a VNC
 * server sends in bridge mode (RFC 6143 §7.6) so that the agent can drop the
 * customer's clipboard and end a stream it cannot frame.
 *
 * Invariants: each call returns a piece, or null consuming nothing when the
 * queue holds less than the next piece, or throws TandemError
 * TANDEM_ERR_PROTOCOL (never a RangeError of the queue or another
 * exception), after which every call throws again; the pieces' raw bytes,
 * back to back, are exactly the bytes consumed; the same bytes split at
 * arbitrary points give the same messages (pieces merged per message part),
 * the same error and the same bytes left over.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { TandemError } from '@tandem/protocol';
import { ByteQueue } from '../src/byte-queue.js';
import { ENCODING } from '../src/encodings.js';
import { NATIVE_FORMAT, decodeServerPixelFormat, type PixelFormat } from '../src/pixel-format.js';
import { defaultRectFramers } from '../src/rect-framers/registry.js';
import { ServerMessageReader, type ServerPiece } from '../src/server-message-reader.js';

/** How scripts/fuzz.mjs runs this target. */
export const fuzzOptions = { sync: true, maxLen: 4096 };

/** Pixel formats a stream may be in: the first byte of an input picks one. */
const FORMATS: readonly PixelFormat[] = [
  NATIVE_FORMAT,
  { ...NATIVE_FORMAT, bitsPerPixel: 16, depth: 16, redMax: 31, greenMax: 63, blueMax: 31, redShift: 11, greenShift: 5, blueShift: 0 },
  { ...NATIVE_FORMAT, bitsPerPixel: 8, depth: 8, trueColour: false },
];

/** What a stream read to its end (or its first error) amounts to. */
interface Outcome {
  /** One entry per message part: its kind and all its bytes joined. */
  parts: { what: string; bytes: number[] }[];
  error: string | null;
  /** Bytes left queued when nothing failed. */
  left: number;
}

function describe(piece: ServerPiece): string {
  if (piece.part === 'rectangle') return `rect ${piece.rect.encoding} ${piece.rect.w}x${piece.rect.h}`;
  return `${piece.message} ${piece.part}`;
}

/** Pushes `chunks` one by one, reading all it can after each. */
function readAll(chunks: readonly Uint8Array[], pf: PixelFormat): Outcome {
  const q = new ByteQueue();
  const reader = new ServerMessageReader({ framers: defaultRectFramers(), pixelFormat: pf });
  const parts: Outcome['parts'] = [];
  let consumed = 0;
  let raw = 0;
  try {
    for (const c of chunks) {
      q.push(c.slice());
      consumed += c.length;
      for (;;) {
        const before = q.length;
        const piece = reader.next(q);
        if (piece === null) {
          if (q.length !== before) throw new Error('a short read consumed bytes');
          break;
        }
        if (before - q.length !== piece.raw.length) throw new Error(`raw is ${piece.raw.length} bytes, the piece took ${before - q.length}`);
        raw += piece.raw.length;
        const what = describe(piece);
        const last = parts.at(-1);
        // Payload arrives in as many pieces as the bytes do: merge them, so splits compare equal.
        if (piece.part === 'payload' && last?.what === what) last.bytes.push(...piece.raw);
        else parts.push({ what, bytes: [...piece.raw] });
      }
    }
  } catch (err) {
    if (!(err instanceof TandemError) || err.code !== 'TANDEM_ERR_PROTOCOL') throw new Error(`threw ${String(err)}, not a TANDEM_ERR_PROTOCOL`, { cause: err });
    let again: unknown;
    try {
      reader.next(q);
    } catch (second) {
      again = second;
    }
    if (!(again instanceof TandemError)) throw new Error('a failed reader read on', { cause: err });
    return { parts, error: err.message, left: -1 };
  }
  if (raw + q.length !== consumed) throw new Error(`pieces took ${raw} bytes and ${q.length} wait, of ${consumed}`);
  return { parts, error: null, left: q.length };
}

/** Split points from a small generator seeded by the input. */
function split(bytes: Uint8Array, seed: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let x = seed | 1;
  for (let at = 0; at < bytes.length;) {
    x = (x * 1103515245 + 12345) >>> 0;
    const n = 1 + ((x >>> 16) % (x & 0x100 ? 3 : 64));
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** One input: a pixel-format byte, a split seed, then the server's bytes after ServerInit. */
export function fuzz(data: Buffer): void {
  if (data.length < 2) return;
  const pf = FORMATS[(data[0] ?? 0) % FORMATS.length] ?? NATIVE_FORMAT;
  const bytes = new Uint8Array(data.buffer, data.byteOffset + 2, data.length - 2);
  const whole = readAll([bytes], pf);
  const pieces = readAll(split(bytes, data[1] ?? 0), pf);
  const byByte = readAll(Array.from(bytes, (b) => Uint8Array.of(b)), pf);
  for (const other of [pieces, byByte]) {
    if (!isDeepStrictEqual(other, whole)) throw new Error('split input read differently');
  }
}

/** A capture of a real server's stream (rfb/src/rect-framers/fixtures, by scripts/capture-rfb-fixtures.mjs). */
interface Fixture {
  pixelFormat: string;
  stream: string;
}

/** The real servers' streams (x11vnc, Xvnc), cut to the target's length, plus a Bell and a cut text by hand. */
export function seeds(): Uint8Array[] {
  // scripts/fuzz.mjs runs from the repository's root; the compiled target lives elsewhere (.fuzz-build).
  const dir = join(process.cwd(), 'packages', 'rfb', 'src', 'rect-framers', 'fixtures');
  const out: Uint8Array[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const f = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Fixture;
    const pf = decodeServerPixelFormat(Buffer.from(f.pixelFormat, 'hex'));
    const index = Math.max(0, FORMATS.findIndex((p) => isDeepStrictEqual(p, pf)));
    out.push(Uint8Array.of(index, out.length, ...Buffer.from(f.stream, 'base64').subarray(0, fuzzOptions.maxLen - 2)));
  }
  const text = Buffer.from('the customer copied this', 'latin1');
  const cut = Buffer.alloc(8);
  cut.writeUInt8(3, 0);
  cut.writeUInt32BE(text.length, 4);
  const copyRect = Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0, 0, 4, 0, 4, ...u32(ENCODING.CopyRect), 0, 1, 0, 1);
  out.push(Uint8Array.of(0, 5, 2, ...cut, ...text, ...copyRect, 2));
  return out;
}

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}
