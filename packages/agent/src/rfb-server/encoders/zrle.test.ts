import { describe, it, expect } from 'vitest';
import { ClientFramebuffer, drawZrleTiles } from '@tandem/tech';
import { NATIVE_FORMAT, type Framebuffer, type Rect } from '@tandem/rfb';
import { compactWriter } from './compact-pixels.js';
import { encodeZrleTiles } from './zrle.js';

/** A deterministic pseudo-random sequence (xorshift32), so failures repeat. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** A framebuffer filled by `colour(x, y)`; `offset` bytes of padding before the pixels test unaligned buffers. */
function makeFb(width: number, height: number, colour: (x: number, y: number) => number, offset = 0): Framebuffer {
  const data = new Uint8Array(offset + width * height * 4).subarray(offset);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = colour(x, y), p = (y * width + x) * 4;
      data[p] = c & 0xff;
      data[p + 1] = (c >>> 8) & 0xff;
      data[p + 2] = c >>> 16;
      data[p + 3] = 0xee; // the X server's padding byte is not part of the colour
    }
  }
  return { width, height, stride: width * 4, data };
}

/** Encodes `rect` of `fb` as ZRLE tiles, decodes them with the technician client's decoder, and compares every pixel. */
function roundTrip(fb: Framebuffer, rect: Rect): Uint8Array {
  const tiles = encodeZrleTiles(fb, rect, compactWriter(NATIVE_FORMAT));
  const client = new ClientFramebuffer(fb.width, fb.height);
  const used = drawZrleTiles({ ...rect, encoding: 16 }, tiles, client);
  expect(used).toBe(tiles.length);
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    for (let x = rect.x; x < rect.x + rect.w; x++) {
      const p = y * fb.stride + x * 4, q = (y * fb.width + x) * 4;
      const want = (fb.data[p] as number) | ((fb.data[p + 1] as number) << 8) | ((fb.data[p + 2] as number) << 16);
      const got = (client.data[q] as number) | ((client.data[q + 1] as number) << 8) | ((client.data[q + 2] as number) << 16);
      if (got !== want) throw new Error(`pixel (${x}, ${y}): got ${got.toString(16)}, want ${want.toString(16)}`);
    }
  }
  return tiles;
}

describe('ZRLE encoder', () => {
  const whole = (fb: Framebuffer): Rect => ({ x: 0, y: 0, w: fb.width, h: fb.height });

  it('sends a one-colour tile as solid', () => {
    const fb = makeFb(64, 64, () => 0x336699);
    const tiles = roundTrip(fb, whole(fb));
    expect([...tiles]).toEqual([1, 0x99, 0x66, 0x33]);
  });

  it('packs a two-colour text-like tile at one bit per pixel', () => {
    const fb = makeFb(64, 64, (x, y) => ((x * 7 + y * 3) % 5 === 0 ? 0x000000 : 0xffffff));
    const tiles = roundTrip(fb, whole(fb));
    expect(tiles[0]).toBe(2);
    expect(tiles.length).toBe(1 + 2 * 3 + 8 * 64);
  });

  it('uses palette RLE for 17-127 colours in runs, with runs longer than 255 pixels', () => {
    // Bands of 40 colours, the first band 300 pixels long (a run-length of two bytes).
    const fb = makeFb(64, 64, (x, y) => { const i = y * 64 + x; return i < 300 ? 0x102030 : 0x010101 * (1 + ((i >> 3) % 40)); });
    const tiles = roundTrip(fb, whole(fb));
    expect(tiles[0]).toBe(128 + 41);
  });

  it('uses plain RLE for many colours in runs', () => {
    const fb = makeFb(64, 64, (x, y) => (y * 64 + x) >> 3); // 512 colours, runs of 8
    const tiles = roundTrip(fb, whole(fb));
    expect(tiles[0]).toBe(128);
  });

  it('sends noise as raw CPIXELs', () => {
    const r = rng(7);
    const fb = makeFb(64, 64, () => Math.floor(r() * 0x1000000));
    const tiles = roundTrip(fb, whole(fb));
    expect(tiles[0]).toBe(0);
    expect(tiles.length).toBe(1 + 64 * 64 * 3);
  });

  it('round-trips mixed content over many tiles, edge tiles and offsets, aligned or not', () => {
    const r = rng(42);
    const colour = (x: number, y: number): number => {
      const region = (Math.floor(x / 50) + Math.floor(y / 37)) % 5;
      if (region === 0) return 0xf0f0f0;
      if (region === 1) return (x + y) % 3 === 0 ? 0x202020 : 0xfafafa;
      if (region === 2) return 0x010203 * ((x >> 2) % 60);
      if (region === 3) return ((x * 13 + y * 7) & 0xff) * 0x10101 + (x >> 4);
      return Math.floor(r() * 0x1000000);
    };
    for (const offset of [0, 1]) {
      const fb = makeFb(203, 150, colour, offset);
      roundTrip(fb, whole(fb));
      roundTrip(fb, { x: 3, y: 5, w: 131, h: 67 });
      roundTrip(fb, { x: 200, y: 149, w: 3, h: 1 });
      roundTrip(fb, { x: 10, y: 0, w: 1, h: 2 });
    }
  });

  it('round-trips random small palettes in random rectangles', () => {
    const r = rng(3);
    for (let i = 0; i < 40; i++) {
      const colours = 1 + Math.floor(r() * 200);
      const runLength = 1 + Math.floor(r() * 30);
      const table = Array.from({ length: colours }, () => Math.floor(r() * 0x1000000));
      const fb = makeFb(150, 100, (x, y) => table[Math.floor((y * 150 + x) / runLength) % colours] as number);
      const w = 1 + Math.floor(r() * 150), h = 1 + Math.floor(r() * 100);
      roundTrip(fb, { x: Math.floor(r() * (151 - w)), y: Math.floor(r() * (101 - h)), w, h });
    }
  });
});
