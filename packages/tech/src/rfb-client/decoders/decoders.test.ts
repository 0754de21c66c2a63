import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ByteQueue, ENCODING, NATIVE_FORMAT, nativeAt, type Framebuffer } from '@tandem/rfb';
import { EncoderStreams, PersistentDeflate, rawEncoder, zlibEncoder, zrleEncoder, type EncodeContext } from '@tandem/agent';
import { ClientFramebuffer } from '../framebuffer.js';
import { InflateStreams } from '../inflate-stream.js';
import type { DecodeContext, RectHeader } from './decoder.js';
import { defaultDecoders } from './registry.js';

const decoders = defaultDecoders();

function context(fb: ClientFramebuffer, resizes: [number, number][] = []): DecodeContext {
  return { fb, inflaters: new InflateStreams(), onResize: (w, h) => resizes.push([w, h]) };
}

/** Decodes `payload` for `rect`, first fed byte by byte to prove "need more bytes" consumes nothing. */
async function decode(rect: RectHeader, payload: Uint8Array, ctx: DecodeContext): Promise<ByteQueue> {
  const decoder = decoders.get(rect.encoding);
  if (!decoder) throw new Error(`no decoder ${rect.encoding}`);
  const q = new ByteQueue();
  for (let i = 0; i < payload.length; i++) {
    expect(await decoder.decode(rect, q, ctx)).toBe(false);
    expect(q.length).toBe(i);
    q.push(payload.subarray(i, i + 1));
  }
  expect(await decoder.decode(rect, q, ctx)).toBe(true);
  return q;
}

/** BGRX bytes of colours given as 0xRRGGBB. */
function bgrx(colours: number[]): Uint8Array {
  const out = new Uint8Array(colours.length * 4);
  colours.forEach((c, i) => { out[i * 4] = c & 0xff; out[i * 4 + 1] = (c >> 8) & 0xff; out[i * 4 + 2] = c >> 16; });
  return out;
}

/** A CPIXEL of 0xRRGGBB in the client's format: B, G, R. */
function cpixel(c: number): number[] {
  return [c & 0xff, (c >> 8) & 0xff, c >> 16];
}

function pixels(fb: ClientFramebuffer, x: number, y: number, w: number, h: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) out.push(fb.pixel(x + i, y + j));
  return out;
}

function zlibPayload(data: number[] | Uint8Array): Uint8Array {
  const z = deflateSync(Uint8Array.from(data));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(z.length);
  return Buffer.concat([len, z]);
}

describe('Raw', () => {
  it('draws the pixels row by row at the rectangle', async () => {
    const fb = new ClientFramebuffer(4, 3);
    const colours = [0x112233, 0x445566, 0x778899, 0xaabbcc, 0xddeeff, 0x010203];
    const q = await decode({ x: 1, y: 1, w: 3, h: 2, encoding: ENCODING.Raw }, bgrx(colours), context(fb));
    expect(q.length).toBe(0);
    expect(pixels(fb, 1, 1, 3, 2)).toEqual(colours);
    expect(fb.pixel(0, 0)).toBe(0);
  });
});

describe('CopyRect', () => {
  it('copies within the framebuffer, overlapping areas as through a temporary buffer', async () => {
    const fb = new ClientFramebuffer(4, 1);
    fb.putPixels(0, 0, 4, 1, bgrx([1, 2, 3, 4]));
    await decode({ x: 1, y: 0, w: 3, h: 1, encoding: ENCODING.CopyRect }, Uint8Array.of(0, 0, 0, 0), context(fb));
    expect(pixels(fb, 0, 0, 4, 1)).toEqual([1, 1, 2, 3]);
  });

  it('rejects a source outside the screen', async () => {
    const fb = new ClientFramebuffer(4, 4);
    const q = new ByteQueue();
    q.push(Uint8Array.of(0, 3, 0, 0));
    await expect(decoders.get(ENCODING.CopyRect)!.decode({ x: 0, y: 0, w: 2, h: 2, encoding: ENCODING.CopyRect }, q, context(fb))).rejects.toThrow(/outside/);
  });
});

describe('Zlib', () => {
  it('inflates raw pixels, keeping one stream across rectangles', async () => {
    const fb = new ClientFramebuffer(2, 2);
    const ctx = context(fb);
    const stream = new PersistentDeflate(6);
    for (const [y, colours] of [[0, [0xff0000, 0x00ff00]], [1, [0x0000ff, 0xffffff]]] as const) {
      const z = await stream.compress([bgrx([...colours])]);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(z.length);
      await decode({ x: 0, y, w: 2, h: 1, encoding: ENCODING.Zlib }, Buffer.concat([len, z]), ctx);
    }
    stream.close();
    expect(pixels(fb, 0, 0, 2, 2)).toEqual([0xff0000, 0x00ff00, 0x0000ff, 0xffffff]);
  });

  it('rejects data that inflates to the wrong size', async () => {
    const fb = new ClientFramebuffer(2, 2);
    const q = new ByteQueue();
    q.push(zlibPayload(new Uint8Array(12)));
    await expect(decoders.get(ENCODING.Zlib)!.decode({ x: 0, y: 0, w: 2, h: 2, encoding: ENCODING.Zlib }, q, context(fb))).rejects.toThrow(/TANDEM_ERR_PROTOCOL|inflated/);
  });

  it('rejects corrupt zlib data', async () => {
    const fb = new ClientFramebuffer(2, 2);
    const q = new ByteQueue();
    q.push(Uint8Array.of(0, 0, 0, 4, 1, 2, 3, 4));
    await expect(decoders.get(ENCODING.Zlib)!.decode({ x: 0, y: 0, w: 2, h: 2, encoding: ENCODING.Zlib }, q, context(fb))).rejects.toThrow(/zlib/);
  });
});

describe('ZRLE', () => {
  const rect = (w: number, h: number): RectHeader => ({ x: 0, y: 0, w, h, encoding: ENCODING.ZRLE });

  it('subencoding 0: raw CPIXELs', async () => {
    const fb = new ClientFramebuffer(2, 2);
    await decode(rect(2, 2), zlibPayload([0, ...cpixel(0x010203), ...cpixel(0x040506), ...cpixel(0x070809), ...cpixel(0x0a0b0c)]), context(fb));
    expect(pixels(fb, 0, 0, 2, 2)).toEqual([0x010203, 0x040506, 0x070809, 0x0a0b0c]);
  });

  it('subencoding 1: solid tile', async () => {
    const fb = new ClientFramebuffer(3, 2);
    await decode(rect(3, 2), zlibPayload([1, ...cpixel(0xabcdef)]), context(fb));
    expect(pixels(fb, 0, 0, 3, 2)).toEqual(Array(6).fill(0xabcdef));
  });

  it('subencodings 2-16: packed palettes of 1, 2 and 4 bits, rows padded to a byte', async () => {
    const fb = new ClientFramebuffer(3, 2);
    // 2 colours, 1 bit: row 1 = 1,0,1 → 0b101_00000; row 2 = 0,1,1 → 0b011_00000
    await decode(rect(3, 2), zlibPayload([2, ...cpixel(0x111111), ...cpixel(0x222222), 0b10100000, 0b01100000]), context(fb));
    expect(pixels(fb, 0, 0, 3, 2)).toEqual([0x222222, 0x111111, 0x222222, 0x111111, 0x222222, 0x222222]);

    // 3 colours, 2 bits: 2,1,0 → 0b10_01_00_00; 0,2,2 → 0b00_10_10_00
    await decode(rect(3, 2), zlibPayload([3, ...cpixel(0xa), ...cpixel(0xb), ...cpixel(0xc), 0b10010000, 0b00101000]), context(fb));
    expect(pixels(fb, 0, 0, 3, 2)).toEqual([0xc, 0xb, 0xa, 0xa, 0xc, 0xc]);

    // 16 colours, 4 bits: 15,0,7 → 0xf0 0x70; 1,2,3 → 0x12 0x30
    const palette = Array.from({ length: 16 }, (_, i) => 0x100 * i + 1);
    await decode(rect(3, 2), zlibPayload([16, ...palette.flatMap(cpixel), 0xf0, 0x70, 0x12, 0x30]), context(fb));
    expect(pixels(fb, 0, 0, 3, 2)).toEqual([15, 0, 7, 1, 2, 3].map((i) => palette[i]));
  });

  it('subencoding 128: plain RLE, runs across rows and run lengths past 255', async () => {
    const fb = new ClientFramebuffer(20, 20);
    // 400 pixels: 1 of red, 299 of green (255 + 43 + 1), 100 of blue.
    const data = [128, ...cpixel(0xff0000), 0, ...cpixel(0x00ff00), 255, 43, ...cpixel(0x0000ff), 99];
    await decode(rect(20, 20), zlibPayload(data), context(fb));
    const all = pixels(fb, 0, 0, 20, 20);
    expect(all[0]).toBe(0xff0000);
    expect(all.slice(1, 300).every((c) => c === 0x00ff00)).toBe(true);
    expect(all.slice(300).every((c) => c === 0x0000ff)).toBe(true);
  });

  it('subencodings 130-255: palette RLE, single pixels and runs', async () => {
    const fb = new ClientFramebuffer(4, 2);
    // palette of 2: index 1 once, index 0 run of 5, index 1 run of 2
    await decode(rect(4, 2), zlibPayload([130, ...cpixel(0x123456), ...cpixel(0x654321), 1, 0x80, 4, 0x81, 1]), context(fb));
    expect(pixels(fb, 0, 0, 4, 2)).toEqual([0x654321, 0x123456, 0x123456, 0x123456, 0x123456, 0x123456, 0x654321, 0x654321]);
  });

  it('walks 64x64 tiles left to right, top to bottom, with partial tiles at the edges', async () => {
    const fb = new ClientFramebuffer(70, 65);
    const data = [1, ...cpixel(1), 1, ...cpixel(2), 1, ...cpixel(3), 1, ...cpixel(4)];
    await decode({ x: 0, y: 0, w: 70, h: 65, encoding: ENCODING.ZRLE }, zlibPayload(data), context(fb));
    expect([fb.pixel(63, 63), fb.pixel(64, 0), fb.pixel(0, 64), fb.pixel(69, 64)]).toEqual([1, 2, 3, 4]);
  });

  it.each([
    ['an unused subencoding (17)', [17]],
    ['an unused subencoding (129)', [129]],
    ['a run past the tile', [128, ...cpixel(1), 10]],
    ['a palette index past the palette', [130, ...cpixel(1), ...cpixel(2), 5, 0, 0, 0]],
    ['data ending inside a tile', [0, 1, 2]],
    ['bytes after the last tile', [1, ...cpixel(1), 0]],
  ])('rejects %s', async (_what, data) => {
    const fb = new ClientFramebuffer(2, 2);
    const q = new ByteQueue();
    q.push(zlibPayload(data));
    await expect(decoders.get(ENCODING.ZRLE)!.decode(rect(2, 2), q, context(fb))).rejects.toThrow(/ZRLE/);
  });
});

describe('size pseudo-encodings', () => {
  it('DesktopSize resizes, keeping what still fits', async () => {
    const fb = new ClientFramebuffer(2, 2);
    fb.setPixel(1, 1, 0x123456);
    const resizes: [number, number][] = [];
    await decode({ x: 0, y: 0, w: 3, h: 4, encoding: ENCODING.DesktopSize }, new Uint8Array(0), context(fb, resizes));
    expect([fb.width, fb.height, fb.pixel(1, 1), fb.pixel(2, 3)]).toEqual([3, 4, 0x123456, 0]);
    expect(resizes).toEqual([[3, 4]]);
  });

  it('ExtendedDesktopSize resizes on status 0 and ignores an error reply', async () => {
    const fb = new ClientFramebuffer(2, 2);
    const resizes: [number, number][] = [];
    const body = Uint8Array.from([1, 0, 0, 0, ...new Array<number>(16).fill(0)]);
    await decode({ x: 0, y: 0, w: 5, h: 6, encoding: ENCODING.ExtendedDesktopSize }, body, context(fb, resizes));
    await decode({ x: 1, y: 1, w: 9, h: 9, encoding: ENCODING.ExtendedDesktopSize }, body, context(fb, resizes));
    expect(resizes).toEqual([[5, 6]]);
  });
});

describe('round trip with the engine encoders', () => {
  const W = 150, H = 90;
  function source(): Framebuffer {
    const data = new Uint8Array(W * H * 4);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const p = (y * W + x) * 4;
      // Flat areas, few-colour text-like areas and noisy areas, so every tile kind appears.
      const v = x < 50 ? 0x204060 : x < 100 ? ((x + y) % 3) * 0x404040 : (x * 7919 + y * 104729) & 0xffffff;
      data[p] = v & 0xff; data[p + 1] = (v >> 8) & 0xff; data[p + 2] = v >> 16;
    }
    return { width: W, height: H, stride: W * 4, data };
  }

  for (const encoder of [rawEncoder, zlibEncoder, zrleEncoder]) {
    it(`${encoder.name}: decodes what the engine encodes, pixel for pixel`, async () => {
      const src = source();
      const streams = new EncoderStreams((level) => new PersistentDeflate(level));
      const ectx: EncodeContext = { fb: src, pf: NATIVE_FORMAT, compressLevel: 6, qualityLevel: -1, streams, jpeg: null };
      const fb = new ClientFramebuffer(W, H);
      const dctx = context(fb);
      for (const r of [{ x: 0, y: 0, w: W, h: 40 }, { x: 0, y: 40, w: W, h: 50 }]) {
        const { chunks } = await encoder.encode(r, ectx);
        const wire = Buffer.concat(chunks);
        const q = new ByteQueue();
        q.push(wire.subarray(12));
        expect(await decoders.get(wire.readInt32BE(8))!.decode({ ...r, encoding: wire.readInt32BE(8) }, q, dctx)).toBe(true);
        expect(q.length).toBe(0);
      }
      streams.close();
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        const want = nativeAt(src, x, y);
        if (fb.pixel(x, y) !== want) throw new Error(`pixel ${x},${y}: ${fb.pixel(x, y).toString(16)} != ${want.toString(16)}`);
      }
    });
  }
});
