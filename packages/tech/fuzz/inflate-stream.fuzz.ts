/**
 * Fuzz target: the technician client's persistent zlib streams
 * (rfb-client/inflate-stream.ts `PersistentInflate`), which inflate what a
 * server sends in Zlib and ZRLE rectangles (RFC 6143 §7.7.5, §7.7.6): a
 * sequence of pieces of one stream, each with the most it may inflate to.
 *
 * Invariants: each piece inflates to at most its limit or rejects with
 * TandemError TANDEM_ERR_PROTOCOL; once rejected, every later piece rejects;
 * and memory stays bounded by the limit, not by what the data would inflate
 * to (a zlib bomb must not be inflated whole): the memory held by buffers
 * grows by no more than twice the limit (the output's chunks and their
 * concatenation) and a little slack per piece.
 */
import { constants, deflateSync } from 'node:zlib';
import { TandemError, type TandemErrorCode } from '@tandem/protocol';
import { PersistentDeflate } from '@tandem/agent';
import { PersistentInflate } from '../src/rfb-client/inflate-stream.js';

/** How scripts/fuzz.mjs runs this target. */
export const fuzzOptions = { sync: false, maxLen: 8192 };

/** A piece's limit is its 16-bit field times this (up to 4 MiB, a large screen's rectangle). */
const LIMIT_UNIT = 64;
/** Buffer memory a piece may hold beyond its limit: zlib's output chunks (16 KiB) and the input. */
const SLACK = 256 * 1024;

function expectTandemError(err: unknown, allowed: readonly TandemErrorCode[]): void {
  if (!(err instanceof TandemError)) throw new Error(`threw ${String(err)}, not a TandemError`, { cause: err });
  if (!allowed.includes(err.code)) throw new Error(`threw ${err.code}, expected one of ${allowed.join(', ')}: ${err.message}`, { cause: err });
}

/** One input: pieces of [limit u16][length u16][data], inflated in order on one stream. */
export async function fuzz(data: Buffer): Promise<void> {
  const stream = new PersistentInflate();
  let failed = false;
  try {
    for (let at = 0; at + 4 <= data.length;) {
      const limit = data.readUInt16BE(at) * LIMIT_UNIT;
      const len = data.readUInt16BE(at + 2);
      const piece = data.subarray(at + 4, at + 4 + len);
      at += 4 + piece.length;
      const before = process.memoryUsage().arrayBuffers;
      try {
        const out = await stream.inflate(piece, limit);
        if (failed) throw new Error('a piece inflated after the stream failed');
        if (out.length > limit) throw new Error(`inflated to ${out.length} bytes, past the limit of ${limit}`);
      } catch (err) {
        if (!(err instanceof TandemError)) throw err;
        expectTandemError(err, ['TANDEM_ERR_PROTOCOL']);
        failed = true;
      }
      const grown = process.memoryUsage().arrayBuffers - before;
      if (grown > 2 * limit + SLACK) throw new Error(`a piece of ${piece.length} bytes with a limit of ${limit} made buffers grow by ${grown} bytes`);
    }
  } finally {
    stream.close();
  }
}

/** Streams as the engine's Zlib encoder writes them: rectangles of a screen, a black full screen among them. */
export async function seeds(): Promise<Uint8Array[]> {
  const piece = (limit: number, z: Uint8Array): Buffer => {
    const head = Buffer.alloc(4);
    head.writeUInt16BE(Math.ceil(limit / LIMIT_UNIT), 0);
    head.writeUInt16BE(z.length, 2);
    return Buffer.concat([head, z]);
  };
  const deflate = new PersistentDeflate(6);
  const black = new Uint8Array(1024 * 768 * 4);
  const text = Uint8Array.from({ length: 64 * 16 * 4 }, (_, i) => ((i >> 2) % 7 === 0 ? 0xff : 0x20));
  const noise = Uint8Array.from({ length: 32 * 32 * 4 }, (_, i) => (i * 7919) & 0xff);
  const parts: Buffer[] = [];
  for (const rect of [text, black, noise, text]) parts.push(piece(rect.length, await deflate.compress([rect])));
  deflate.close();
  return [
    Buffer.concat(parts),
    piece(black.length, deflateSync(black, { flush: constants.Z_SYNC_FLUSH })),
  ];
}
