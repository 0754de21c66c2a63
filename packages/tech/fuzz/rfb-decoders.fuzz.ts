/**
 * Fuzz target: the technician client's rectangle decoders
 * (rfb-client/decoders/: Raw, CopyRect, Zlib, ZRLE, DesktopSize,
 * ExtendedDesktopSize) on a small screen, one rectangle at a time, so that
 * the fuzzer works on the tile grammar directly: in "deflate" inputs the
 * harness compresses the input's bytes itself, as a server would, so ZRLE
 * and Zlib see arbitrary inflated data.
 *
 * Invariants: a decoder resolves true (done), resolves false consuming
 * nothing while its payload is incomplete, or rejects with TandemError
 * TANDEM_ERR_PROTOCOL (never another exception); the payload fed byte by
 * byte decodes exactly as fed whole; a decoder draws only inside its
 * rectangle (CopyRect reads only inside the screen), and resizes only
 * through the size pseudo-encodings.
 */
import { constants, deflateSync } from 'node:zlib';
import { TandemError, type TandemErrorCode } from '@tandem/protocol';
import { ByteQueue, ENCODING } from '@tandem/rfb';
import type { DecodeContext, RectHeader } from '../src/rfb-client/decoders/decoder.js';
import { defaultDecoders } from '../src/rfb-client/decoders/registry.js';
import { ClientFramebuffer } from '../src/rfb-client/framebuffer.js';
import { InflateStreams } from '../src/rfb-client/inflate-stream.js';

/** How scripts/fuzz.mjs runs this target. */
export const fuzzOptions = { sync: false, maxLen: 8192 };

const ENCODINGS = [ENCODING.Raw, ENCODING.CopyRect, ENCODING.Zlib, ENCODING.ZRLE, ENCODING.DesktopSize, ENCODING.ExtendedDesktopSize] as const;
const decoders = defaultDecoders();

function expectTandemError(err: unknown, allowed: readonly TandemErrorCode[]): void {
  if (!(err instanceof TandemError)) throw new Error(`threw ${String(err)}, not a TandemError`, { cause: err });
  if (!allowed.includes(err.code)) throw new Error(`threw ${err.code}, expected one of ${allowed.join(', ')}: ${err.message}`, { cause: err });
}

function screen(w: number, h: number): ClientFramebuffer {
  const fb = new ClientFramebuffer(w, h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) fb.setPixel(x, y, (x * 0x010203 + y * 0x302010) & 0xffffff);
  return fb;
}

interface Outcome {
  done: boolean;
  error: string | null;
  width: number;
  height: number;
  pixels: Uint8Array;
  /** Payload bytes the decoder took. */
  consumed: number;
}

async function decode(rect: RectHeader, payload: Uint8Array, w: number, h: number, byByte: boolean): Promise<Outcome> {
  const fb = screen(w, h);
  const resizes: [number, number][] = [];
  const ctx: DecodeContext = { fb, inflaters: new InflateStreams(), onResize: (rw, rh) => resizes.push([rw, rh]) };
  const decoder = decoders.get(rect.encoding);
  if (!decoder) throw new Error(`no decoder for ${rect.encoding}`);
  const q = new ByteQueue();
  let done = false;
  let error: string | null = null;
  let pushed = 0;
  try {
    if (byByte) {
      for (let i = 0; i < payload.length && !done; i++) {
        q.push(payload.slice(i, i + 1));
        pushed++;
        const before = q.length;
        done = await decoder.decode(rect, q, ctx);
        if (!done && q.length !== before) throw new Error('an incomplete payload was consumed');
      }
      if (payload.length === 0) done = await decoder.decode(rect, q, ctx);
    } else {
      q.push(payload.slice());
      pushed = payload.length;
      done = await decoder.decode(rect, q, ctx);
      if (!done && q.length !== payload.length) throw new Error('an incomplete payload was consumed');
    }
  } catch (err) {
    if (!(err instanceof TandemError)) throw err;
    expectTandemError(err, ['TANDEM_ERR_PROTOCOL']);
    error = err.message;
  } finally {
    ctx.inflaters.close();
  }
  if (!decoder.pseudo && (fb.width !== w || fb.height !== h)) throw new Error(`${decoder.name} resized the screen`);
  if (resizes.length > 0 && (fb.width !== resizes[0]?.[0] || fb.height !== resizes[0]?.[1])) throw new Error('onResize did not report the new size');
  // Only inside the rectangle may pixels change.
  if (!decoder.pseudo) {
    const ref = screen(w, h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const inside = x >= rect.x && x < rect.x + rect.w && y >= rect.y && y < rect.y + rect.h;
      if (!inside && fb.pixel(x, y) !== ref.pixel(x, y)) throw new Error(`${decoder.name} drew at ${x},${y}, outside ${rect.w}x${rect.h}+${rect.x}+${rect.y}`);
    }
  }
  return { done, error, width: fb.width, height: fb.height, pixels: fb.data, consumed: pushed - q.length };
}

/**
 * One input: encoding, screen size, rectangle, a mode byte (bit 0: deflate
 * the rest as the payload's zlib data, with its length prefix), then the
 * payload.
 */
export async function fuzz(data: Buffer): Promise<void> {
  if (data.length < 8) return;
  const encoding = ENCODINGS[(data[0] as number) % ENCODINGS.length] as number;
  const w = 1 + ((data[1] as number) % 140), h = 1 + ((data[2] as number) % 140);
  const rect: RectHeader = { x: data[3] as number, y: data[4] as number, w: data[5] as number, h: data[6] as number, encoding };
  let payload: Uint8Array = data.subarray(8);
  if ((data[7] as number) & 1) {
    const z = deflateSync(payload, { flush: constants.Z_SYNC_FLUSH });
    const len = Buffer.alloc(4);
    len.writeUInt32BE(z.length);
    payload = Buffer.concat([len, z]);
  }
  const decoder = decoders.get(encoding);
  if (!decoder) return;
  if (!decoder.pseudo) {
    // The client checks the rectangle against the screen before it decodes (rfb-client.ts #onRect).
    try {
      screen(w, h).checkRect(rect.x, rect.y, rect.w, rect.h, 'rectangle');
    } catch (err) {
      expectTandemError(err, ['TANDEM_ERR_PROTOCOL']);
      return;
    }
  }
  const whole = await decode(rect, payload, w, h, false);
  const byByte = await decode(rect, payload, w, h, true);
  if (whole.done !== byByte.done || whole.error !== byByte.error || whole.width !== byByte.width || whole.height !== byByte.height
    || (whole.done && whole.consumed !== byByte.consumed) || !whole.pixels.every((v, i) => v === byByte.pixels[i])) {
    throw new Error(`byte-by-byte decoding differs: ${JSON.stringify({ ...whole, pixels: 0 })} / ${JSON.stringify({ ...byByte, pixels: 0 })}`);
  }
}

/** Rectangles as the engine's encoders write them (one per encoding), in raw and deflate form. */
export function seeds(): Uint8Array[] {
  const cpixel = (c: number): number[] => [c & 0xff, (c >> 8) & 0xff, c >> 16];
  const enc = (e: number): number => ENCODINGS.indexOf(e as (typeof ENCODINGS)[number]);
  return [
    Uint8Array.of(enc(ENCODING.Raw), 8, 8, 1, 1, 2, 2, 0, ...Array.from({ length: 16 }, (_, i) => i * 9)),
    Uint8Array.of(enc(ENCODING.CopyRect), 8, 8, 2, 0, 3, 3, 0, 0, 1, 0, 1),
    Uint8Array.of(enc(ENCODING.Zlib), 4, 4, 0, 0, 2, 1, 1, 1, 2, 3, 0, 4, 5, 6, 0),
    // ZRLE tiles: raw, solid, packed palettes of 2, 3 and 16, plain RLE, palette RLE; 70x65 walks four tiles.
    Uint8Array.of(enc(ENCODING.ZRLE), 2, 2, 0, 0, 2, 2, 1, 0, ...cpixel(1), ...cpixel(2), ...cpixel(3), ...cpixel(4)),
    Uint8Array.of(enc(ENCODING.ZRLE), 70, 65, 0, 0, 70, 65, 1, 1, ...cpixel(1), 1, ...cpixel(2), 1, ...cpixel(3), 1, ...cpixel(4)),
    Uint8Array.of(enc(ENCODING.ZRLE), 3, 2, 0, 0, 3, 2, 1, 2, ...cpixel(0x111111), ...cpixel(0x222222), 0b10100000, 0b01100000),
    Uint8Array.of(enc(ENCODING.ZRLE), 3, 2, 0, 0, 3, 2, 1, 3, ...cpixel(0xa), ...cpixel(0xb), ...cpixel(0xc), 0b10010000, 0b00101000),
    Uint8Array.of(enc(ENCODING.ZRLE), 3, 2, 0, 0, 3, 2, 1, 16, ...Array.from({ length: 16 }, (_, i) => cpixel(0x100 * i + 1)).flat(), 0xf0, 0x70, 0x12, 0x30),
    Uint8Array.of(enc(ENCODING.ZRLE), 20, 20, 0, 0, 20, 20, 1, 128, ...cpixel(0xff0000), 0, ...cpixel(0x00ff00), 255, 43, ...cpixel(0x0000ff), 99),
    Uint8Array.of(enc(ENCODING.ZRLE), 4, 2, 0, 0, 4, 2, 1, 130, ...cpixel(0x123456), ...cpixel(0x654321), 1, 0x80, 4, 0x81, 1),
    Uint8Array.of(enc(ENCODING.DesktopSize), 2, 2, 0, 0, 3, 4, 0),
    Uint8Array.of(enc(ENCODING.ExtendedDesktopSize), 2, 2, 0, 0, 5, 6, 0, 1, 0, 0, 0, ...new Array<number>(16).fill(0)),
  ];
}
