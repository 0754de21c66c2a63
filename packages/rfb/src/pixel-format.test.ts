import { describe, it, expect } from 'vitest';
import { compactPixelOffset, convertPixel, decodePixelFormat, encodePixelFormat, NATIVE_FORMAT, pixelConverter, translateRect, type Framebuffer, type PixelFormat } from './pixel-format.js';

const fb: Framebuffer = { width: 2, height: 1, stride: 8, data: Uint8Array.of(0x30, 0x20, 0x10, 0, 0xff, 0xff, 0xff, 0) }; // #102030, #ffffff

describe('pixel formats', () => {
  it('round-trips the wire form', () => {
    expect(decodePixelFormat(encodePixelFormat(NATIVE_FORMAT))).toEqual(NATIVE_FORMAT);
  });

  it('translates to 32-bit big-endian RGB with other shifts', () => {
    const pf: PixelFormat = { ...NATIVE_FORMAT, bigEndian: true, redShift: 0, greenShift: 8, blueShift: 16 };
    expect([...translateRect(fb, { x: 0, y: 0, w: 2, h: 1 }, pf)]).toEqual([0, 0x30, 0x20, 0x10, 0, 0xff, 0xff, 0xff]);
  });

  it('translates to 16-bit 565 and 8-bit 332 true colour', () => {
    const rgb565: PixelFormat = { bitsPerPixel: 16, depth: 16, bigEndian: false, trueColour: true, redMax: 31, greenMax: 63, blueMax: 31, redShift: 11, greenShift: 5, blueShift: 0 };
    const v = (0x10 >> 3) << 11 | (0x20 >> 2) << 5 | (0x30 >> 3);
    expect([...translateRect(fb, { x: 0, y: 0, w: 1, h: 1 }, rgb565)]).toEqual([v & 0xff, v >> 8]);
    const bgr233: PixelFormat = { bitsPerPixel: 8, depth: 8, bigEndian: false, trueColour: true, redMax: 7, greenMax: 7, blueMax: 3, redShift: 0, greenShift: 3, blueShift: 6 };
    expect([...translateRect(fb, { x: 1, y: 0, w: 1, h: 1 }, bgr233)]).toEqual([0xff]);
  });

  it('knows when CPIXELs take three bytes', () => {
    expect(compactPixelOffset(NATIVE_FORMAT)).toBe(0);
    expect(compactPixelOffset({ ...NATIVE_FORMAT, redShift: 24, greenShift: 16, blueShift: 8 })).toBe(1);
    expect(compactPixelOffset({ ...NATIVE_FORMAT, depth: 32 })).toBe(-1);
  });
});

describe('pixelConverter', () => {
  it('agrees with convertPixel for common and odd formats', () => {
    const formats: PixelFormat[] = [
      NATIVE_FORMAT,
      { ...NATIVE_FORMAT, redShift: 0, greenShift: 8, blueShift: 16 },
      { ...NATIVE_FORMAT, redShift: 24, greenShift: 16, blueShift: 8 },
      { bitsPerPixel: 16, depth: 16, bigEndian: false, trueColour: true, redMax: 31, greenMax: 63, blueMax: 31, redShift: 11, greenShift: 5, blueShift: 0 },
      { bitsPerPixel: 8, depth: 8, bigEndian: false, trueColour: true, redMax: 7, greenMax: 7, blueMax: 3, redShift: 0, greenShift: 3, blueShift: 6 },
      { bitsPerPixel: 32, depth: 30, bigEndian: true, trueColour: true, redMax: 1023, greenMax: 1023, blueMax: 1023, redShift: 20, greenShift: 10, blueShift: 0 },
    ];
    for (const pf of formats) {
      const conv = pixelConverter(pf);
      for (const rgb of [0, 0xffffff, 0x102030, 0x80ff01, 0x7f807f, 0xabcdef]) expect(conv(rgb)).toBe(convertPixel(rgb, pf));
    }
  });
});
