import { decode } from 'jpeg-js';
import { afterEach, describe, expect, it } from 'vitest';
import { createSharpJpegEncoder } from '../jpeg/sharp-jpeg-encoder.js';
import { NATIVE_FORMAT, type Framebuffer, type PixelFormat } from '@tandem/rfb';
import { PersistentDeflate } from '../zlib-stream.js';
import { EncoderStreams, type EncodeContext, type JpegEncoder } from './encoder.js';
import { collectPalette } from './palette.js';
import { JPEG_MAX_PALETTE, looksPhotographic } from './photo-detect.js';
import { tightEncoder } from './tight.js';

const W = 160, H = 120;

/** A `w` x `h` framebuffer (B, G, R, x per pixel) painted by `paint(x, y) → 0xRRGGBB`. */
function framebuffer(paint: (x: number, y: number) => number, w = W, h = H): Framebuffer {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = paint(x, y), p = (y * w + x) * 4;
      data[p] = c & 0xff;
      data[p + 1] = (c >> 8) & 0xff;
      data[p + 2] = (c >> 16) & 0xff;
    }
  }
  return { width: w, height: h, stride: w * 4, data };
}

/** Photographic paint: gradients, a soft blob and noise, as the benchmark's photo window. */
function photoPaint(): (x: number, y: number) => number {
  let seed = 12345;
  return (x, y) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const noise = (seed >>> 24) % 24;
    const blob = Math.exp(-((x - 70) ** 2 + (y - 50) ** 2) / 3000);
    const r = Math.min(255, Math.round(80 + blob * 150 + noise));
    const g = Math.min(255, Math.round((y * 255) / H * 0.7 + blob * 60 + noise));
    const b = Math.min(255, Math.round((x * 255) / W * 0.6 + noise));
    return (r << 16) | (g << 8) | b;
  };
}

/** Photographic content of W x H. */
function photo(): Framebuffer {
  return framebuffer(photoPaint());
}

/**
 * Text-like: 6x10 "glyph" cells of anti-aliased strokes in many colours on a
 * flat background (syntax highlighting with grey-scale anti-aliasing): far
 * more than 96 colours, still flat with hard edges.
 */
function colourfulText(): Framebuffer {
  return framebuffer(textPaint);
}

/** The paint of {@link colourfulText}. */
function textPaint(x: number, y: number): number {
  const cx = x % 8, cy = y % 12, cell = Math.floor(x / 8) + Math.floor(y / 12) * 20;
  if (cx >= 6 || cy >= 10) return 0x1e1e1e;
  const stroke = (cx + cy * 3 + cell) % 5 === 0 || cx === (cell % 6);
  if (!stroke) return 0x1e1e1e;
  const hue = (cell * 37) % 256, edge = (cx + cy) % 3;
  return ((hue ^ (edge * 40)) << 16) | (((cell * 91) % 256) << 8) | ((255 - hue + edge * 7) & 0xff);
}

/** What Tight sent for one sub-rectangle: its control byte and, for JPEG, the JPEG data. */
async function encodeOne(fb: Framebuffer, opts: { quality: number; jpeg: JpegEncoder | null; pf?: PixelFormat }): Promise<{ control: number; jpeg: Uint8Array | null }> {
  const ctx: EncodeContext = {
    fb, pf: opts.pf ?? NATIVE_FORMAT, compressLevel: 6, qualityLevel: opts.quality, streams, jpeg: opts.jpeg,
  };
  const out = await tightEncoder.encode({ x: 0, y: 0, w: W, h: H }, ctx);
  expect(out.count).toBe(1);
  const control = (out.chunks[1] as Uint8Array)[0] as number;
  return { control, jpeg: control === 0x90 ? (out.chunks[3] as Uint8Array) : null };
}

let streams = new EncoderStreams((level) => new PersistentDeflate(level));
afterEach(() => {
  streams.close();
  streams = new EncoderStreams((level) => new PersistentDeflate(level));
});

const sharpJpeg = createSharpJpegEncoder();

describe('Tight JPEG choice', () => {
  it('sends photographic content as JPEG that decodes close to the source, at every quality level', async () => {
    const fb = photo();
    for (const quality of [0, 6, 9]) {
      const { control, jpeg } = await encodeOne(fb, { quality, jpeg: sharpJpeg });
      expect(control).toBe(0x90);
      const img = decode(jpeg as Uint8Array, { useTArray: true, formatAsRGBA: true });
      expect([img.width, img.height]).toEqual([W, H]);
      let sum = 0, worst = 0;
      for (let i = 0; i < W * H; i++) {
        for (let c = 0; c < 3; c++) {
          const src = fb.data[i * 4 + 2 - c] as number, got = img.data[i * 4 + c] as number;
          const d = Math.abs(src - got);
          sum += d;
          worst = Math.max(worst, d);
        }
      }
      const mean = sum / (W * H * 3);
      // Lower quality levels may stray further; even level 0 stays near the source on average.
      expect(mean).toBeLessThan(quality === 0 ? 12 : quality === 6 ? 6 : 2);
      expect(worst).toBeLessThan(quality === 9 ? 16 : 128);
    }
  });

  it('keeps text-like content lossless even with many colours and a quality level', async () => {
    const fb = colourfulText();
    const colours = collectPalette(fb, { x: 0, y: 0, w: W, h: H }, 1 << 24)?.length ?? 0;
    expect(colours).toBeGreaterThan(JPEG_MAX_PALETTE);
    const { control } = await encodeOne(fb, { quality: 6, jpeg: sharpJpeg });
    expect(control).not.toBe(0x90);
    expect(looksPhotographic(fb, { x: 0, y: 0, w: W, h: H })).toBe(false);
  });

  it('keeps few-colour content on the palette', async () => {
    const fb = framebuffer((x, y) => ((x >> 2) + (y >> 2)) % 7 * 0x102030);
    const { control } = await encodeOne(fb, { quality: 9, jpeg: sharpJpeg });
    expect(control & 0xf0).toBe(0x60); // stream 2, explicit filter: palette
  });

  // Lossless sub-rectangles are at most 65536 pixels; 320x480 is cut into three of them (204, 204 and 72 rows).
  const TALL_W = 320, TALL_H = 480;
  const tightRects = (out: { chunks: Uint8Array[] }): { h: number; control: number; jpeg: Uint8Array | null }[] => {
    const rects: { h: number; control: number; jpeg: Uint8Array | null }[] = [];
    for (let i = 0; i < out.chunks.length; i++) {
      const c = out.chunks[i] as Uint8Array;
      // A rectangle header is 12 bytes with the Tight encoding number (7) at its end; its control byte follows.
      if (c.length === 12 && c[11] === 7) {
        const control = (out.chunks[i + 1] as Uint8Array)[0] as number;
        rects.push({ h: ((c[6] as number) << 8) | (c[7] as number), control, jpeg: control === 0x90 ? (out.chunks[i + 3] as Uint8Array) : null });
      }
    }
    return rects;
  };

  it('sends a tall photographic column as one JPEG, not as pieces of 65536 pixels', async () => {
    const fb = framebuffer(photoPaint(), TALL_W, TALL_H);
    const ctx: EncodeContext = { fb, pf: NATIVE_FORMAT, compressLevel: 6, qualityLevel: 6, streams, jpeg: sharpJpeg };
    const out = await tightEncoder.encode({ x: 0, y: 0, w: TALL_W, h: TALL_H }, ctx);
    expect(out.count).toBe(1);
    const [only] = tightRects(out);
    expect(only?.control).toBe(0x90);
    const img = decode(only?.jpeg as Uint8Array, { useTArray: true });
    expect([img.width, img.height]).toEqual([TALL_W, TALL_H]);
  });

  it('cuts a column that is photograph above and text below: the text stays lossless', async () => {
    const paint = photoPaint();
    const fb = framebuffer((x, y) => (y < 204 ? paint(x, y) : textPaint(x, y)), TALL_W, TALL_H);
    const ctx: EncodeContext = { fb, pf: NATIVE_FORMAT, compressLevel: 6, qualityLevel: 6, streams, jpeg: sharpJpeg };
    const out = await tightEncoder.encode({ x: 0, y: 0, w: TALL_W, h: TALL_H }, ctx);
    const rects = tightRects(out);
    expect(out.count).toBe(3);
    expect(rects.map((r) => r.h)).toEqual([204, 204, 72]);
    expect(rects[0]?.control).toBe(0x90);
    expect(rects.slice(1).every((r) => r.control !== 0x90)).toBe(true);
  });

  it('never sends JPEG without a quality level, without an encoder, or to a non-32-bit client', async () => {
    const fb = photo();
    expect((await encodeOne(fb, { quality: -1, jpeg: sharpJpeg })).control).toBe(0x00);
    expect((await encodeOne(fb, { quality: 6, jpeg: null })).control).toBe(0x00);
    const pf16: PixelFormat = { ...NATIVE_FORMAT, bitsPerPixel: 16, depth: 16, redMax: 31, greenMax: 63, blueMax: 31, redShift: 11, greenShift: 5, blueShift: 0 };
    expect((await encodeOne(fb, { quality: 6, jpeg: sharpJpeg, pf: pf16 })).control).toBe(0x00);
  });
});

describe('Tight TPIXEL', () => {
  // TigerVNC's usual format: little-endian, red in bits 16-23, so memory order B, G, R, x.
  const tigerFormat: PixelFormat = { ...NATIVE_FORMAT, bigEndian: false, redShift: 16, greenShift: 8, blueShift: 0 };
  // noVNC's: red in bits 0-7, memory order R, G, B, x.
  const novncFormat: PixelFormat = { ...NATIVE_FORMAT, bigEndian: false, redShift: 0, greenShift: 8, blueShift: 16 };

  it.each([
    ['red shift 16 (TigerVNC)', tigerFormat],
    ['red shift 0 (noVNC)', novncFormat],
    ['big-endian', { ...NATIVE_FORMAT, bigEndian: true, redShift: 16, greenShift: 8, blueShift: 0 }],
  ] as const)('sends a fill colour as red, green, blue for %s', async (_name, pf) => {
    const fb = framebuffer(() => 0xcd1020);
    const ctx: EncodeContext = { fb, pf, compressLevel: 6, qualityLevel: -1, streams, jpeg: null };
    const out = await tightEncoder.encode({ x: 0, y: 0, w: W, h: H }, ctx);
    const body = out.chunks[1] as Uint8Array;
    expect(body[0]).toBe(0x80);
    expect([...body.subarray(1, 4)]).toEqual([0xcd, 0x10, 0x20]);
  });
});
