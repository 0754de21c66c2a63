import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng } from './png-writer.js';

/** A strict reader for what the writer produces: checks signature, chunk order and CRCs, undoes filter 0. */
function readPng(png: Buffer): { width: number; height: number; colourType: number; pixels: Buffer } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: { type: string; data: Buffer }[] = [];
  for (let o = 8; o < png.length;) {
    const len = png.readUInt32BE(o);
    const type = png.toString('latin1', o + 4, o + 8);
    const data = png.subarray(o + 8, o + 8 + len);
    expect(png.readUInt32BE(o + 8 + len), `CRC of ${type}`).toBe(crc32(png.subarray(o + 4, o + 8 + len)) >>> 0);
    chunks.push({ type, data });
    o += 12 + len;
  }
  expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
  const ihdr = chunks[0]!.data;
  const width = ihdr.readUInt32BE(0), height = ihdr.readUInt32BE(4), colourType = ihdr[9]!;
  expect([ihdr[8], ihdr[10], ihdr[11], ihdr[12]]).toEqual([8, 0, 0, 0]);
  const channels = colourType === 2 ? 3 : 4;
  const raw = inflateSync(chunks[1]!.data);
  expect(raw.length).toBe(height * (1 + width * channels));
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const start = y * (1 + width * channels);
    expect(raw[start], 'filter type').toBe(0);
    rows.push(raw.subarray(start + 1, start + 1 + width * channels));
  }
  return { width, height, colourType, pixels: Buffer.concat(rows) };
}

describe('encodePng', () => {
  it('writes RGB that reads back byte for byte', () => {
    const w = 37, h = 5;
    const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 31) & 0xff);
    const r = readPng(encodePng(w, h, 3, rgb));
    expect([r.width, r.height, r.colourType]).toEqual([w, h, 2]);
    expect(Buffer.compare(r.pixels, Buffer.from(rgb))).toBe(0);
  });

  it('writes RGBA with colour type 6', () => {
    const rgba = Uint8Array.of(255, 0, 0, 255, 0, 255, 0, 128);
    const r = readPng(encodePng(2, 1, 4, rgba));
    expect(r.colourType).toBe(6);
    expect([...r.pixels]).toEqual([...rgba]);
  });

  it('refuses pixels of the wrong length', () => {
    expect(() => encodePng(2, 2, 3, new Uint8Array(11))).toThrow(/pixels/);
    expect(() => encodePng(0, 2, 3, new Uint8Array(0))).toThrow(/width/);
  });
});
