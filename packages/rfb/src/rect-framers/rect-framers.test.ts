import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../byte-queue.js';
import { ENCODING } from '../encodings.js';
import { NATIVE_FORMAT, decodeServerPixelFormat, type PixelFormat } from '../pixel-format.js';
import { ServerMessageReader } from '../server-message-reader.js';
import { compactLength } from '../server-messages.js';
import type { RectHeader } from './rect-framer.js';
import { defaultRectFramers } from './registry.js';
import { tightFramer, tightPixelBytes } from './tight.js';

/** A stream captured from a real server by scripts/capture-rfb-fixtures.mjs. */
interface Fixture {
  name: string;
  pixelFormat: string;
  stream: string;
}

/** One rectangle as a real server sent it: its header, the pixel format, and its whole payload. */
interface RealRect {
  from: string;
  rect: RectHeader;
  pf: PixelFormat;
  payload: Buffer;
}

const FIXTURES = new URL('./fixtures/', import.meta.url);

/** Every rectangle of every fixture, cut out with the reader (whose framing the reader's own tests check against the markers). */
function realRects(): RealRect[] {
  const out: RealRect[] = [];
  for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.json'))) {
    const f = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Fixture;
    const pf = decodeServerPixelFormat(Buffer.from(f.pixelFormat, 'hex'));
    const r = new ServerMessageReader({ framers: defaultRectFramers(), pixelFormat: pf });
    const q = new ByteQueue();
    q.push(Buffer.from(f.stream, 'base64'));
    let current: RealRect | null = null;
    for (let p = r.next(q); p !== null; p = r.next(q)) {
      if (p.part === 'payload' && p.message === 'FramebufferUpdate' && current !== null) {
        current.payload = Buffer.concat([current.payload, p.raw]);
      } else if (p.part === 'rectangle') {
        current = { from: f.name, rect: p.rect, pf, payload: Buffer.alloc(0) };
        out.push(current);
      } else {
        current = null;
      }
    }
  }
  return out;
}

const RECTS = realRects();
const RGB565: PixelFormat = { ...NATIVE_FORMAT, bitsPerPixel: 16, depth: 16, redMax: 31, greenMax: 63, blueMax: 31, redShift: 11, greenShift: 5, blueShift: 0 };
const BGR233: PixelFormat = { ...NATIVE_FORMAT, bitsPerPixel: 8, depth: 8, redMax: 7, greenMax: 7, blueMax: 3, redShift: 0, greenShift: 3, blueShift: 6 };

/** A queue holding `bytes`, in one chunk or one chunk per byte. */
function queue(bytes: Uint8Array, bytewise = false): ByteQueue {
  const q = new ByteQueue();
  if (bytewise) for (const b of bytes) q.push(Uint8Array.of(b));
  else q.push(bytes);
  return q;
}

function rect(w: number, h: number, encoding: number): RectHeader {
  return { x: 0, y: 0, w, h, encoding };
}

describe('rectangle framers on rectangles captured from x11vnc and TigerVNC', () => {
  for (const framer of defaultRectFramers().values()) {
    it(`${framer.name}: the payload length of every real rectangle, from any prefix of it`, () => {
      const mine = RECTS.filter((r) => r.rect.encoding === framer.encoding);
      // Each framer is checked on real bytes: the fixtures hold at least one rectangle of every encoding in the table.
      expect(mine.length, `no ${framer.name} rectangle in the fixtures`).toBeGreaterThan(0);
      for (const r of mine) {
        let known = false;
        for (let k = 0; k <= r.payload.length; k++) {
          const prefix = r.payload.subarray(0, k);
          const got = framer.payloadLength(r.rect, queue(prefix), r.pf);
          // Until the framer can tell it says null; from then on, for every longer prefix, the one right length.
          if (got !== null) known = true;
          if (known) expect(got, `${r.from}: ${framer.name} ${r.rect.w}x${r.rect.h} with ${k} of ${r.payload.length} bytes`).toBe(r.payload.length);
          else expect(got).toBeNull();
          // The same from a queue cut into single bytes, over the first bytes where the framer looks.
          if (k <= 64) expect(framer.payloadLength(r.rect, queue(prefix, true), r.pf)).toBe(got);
          if (known && k > 64) break;
        }
        expect(known).toBe(true);
      }
    });
  }

  it('Tight: the real rectangles cover fill, JPEG, copy with zlib, and palettes of two and more colours, in 32 and 16 bits per pixel', () => {
    const kinds = new Set<string>();
    for (const r of RECTS.filter((x) => x.rect.encoding === ENCODING.Tight)) {
      const c = r.payload[0] as number;
      const type = c >> 4;
      const kind = type === 8 ? 'fill' : type === 9 ? 'jpeg' : (c & 0x40) !== 0 && r.payload[1] === 1 ? ((r.payload[2] as number) === 1 ? 'palette2' : 'paletteN') : 'copy';
      kinds.add(`${kind}/${r.pf.bitsPerPixel}`);
    }
    for (const k of ['fill/32', 'jpeg/32', 'copy/32', 'palette2/32', 'paletteN/32', 'fill/16', 'copy/16', 'palette2/16']) expect(kinds).toContain(k);
  });
});

describe('Tight framing by the rules (cases no server here sent)', () => {
  it('the gradient filter: width × height TPIXELs before zlib, then a compact length', () => {
    const body = Buffer.concat([Uint8Array.of(0x40, 2), compactLength(20)]);
    expect(tightFramer.payloadLength(rect(4, 4, ENCODING.Tight), queue(body), NATIVE_FORMAT)).toBe(2 + 1 + 20);
  });

  it('data under 12 bytes comes without zlib and without a length', () => {
    // Two colours on 2x2: one byte per row, two rows.
    const body = Uint8Array.of(0x40, 1, 1, 1, 2, 3, 4, 5, 6, 0x80, 0x40);
    expect(tightFramer.payloadLength(rect(2, 2, ENCODING.Tight), queue(body), NATIVE_FORMAT)).toBe(3 + 6 + 2);
    // Copy of 1x3 in 16 bits: 6 bytes.
    expect(tightFramer.payloadLength(rect(1, 3, ENCODING.Tight), queue(Uint8Array.of(0)), RGB565)).toBe(1 + 6);
  });

  it('compact lengths of one, two and three bytes', () => {
    for (const n of [0, 127, 128, 16383, 16384, 4_194_303]) {
      const len = compactLength(n);
      const body = Buffer.concat([Uint8Array.of(0x90), len]);
      expect(tightFramer.payloadLength(rect(64, 64, ENCODING.Tight), queue(body), NATIVE_FORMAT)).toBe(1 + len.length + n);
      expect(tightFramer.payloadLength(rect(64, 64, ENCODING.Tight), queue(body.subarray(0, body.length - 1)), NATIVE_FORMAT)).toBeNull();
    }
  });

  it('TPIXEL: 3 bytes for 8-bit colours on byte boundaries in 32 bits, else a whole pixel; ambiguous layouts have none', () => {
    expect(tightPixelBytes(NATIVE_FORMAT)).toBe(3);
    expect(tightPixelBytes({ ...NATIVE_FORMAT, bigEndian: true, redShift: 24, greenShift: 16, blueShift: 8 })).toBe(3);
    expect(tightPixelBytes(RGB565)).toBe(2);
    expect(tightPixelBytes(BGR233)).toBe(1);
    expect(tightPixelBytes({ ...NATIVE_FORMAT, depth: 32 })).toBe(4);
    expect(tightPixelBytes({ ...NATIVE_FORMAT, redShift: 20, greenShift: 12, blueShift: 4 })).toBeNull();
    expect(tightFramer.payloadLength(rect(1, 1, ENCODING.Tight), queue(Uint8Array.of(0x80)), BGR233)).toBe(2);
  });

  for (const [what, body, pf, message] of [
    ['a palette of one colour', Uint8Array.of(0x40, 1, 0), NATIVE_FORMAT, /palette of one colour/],
    ['the PNG type, which belongs to TightPNG', Uint8Array.of(0xa0), NATIVE_FORMAT, /type 10/],
    ['a filter id past gradient', Uint8Array.of(0x40, 3), NATIVE_FORMAT, /filter 3/],
    ['a pixel format whose colours sit off byte boundaries', Uint8Array.of(0x80), { ...NATIVE_FORMAT, redShift: 20, greenShift: 12, blueShift: 4 }, /off byte boundaries/],
  ] as const) {
    it(`refuses ${what} with TANDEM_ERR_PROTOCOL`, () => {
      expect(() => tightFramer.payloadLength(rect(8, 8, ENCODING.Tight), queue(body), pf)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(message) }));
    });
  }
});

describe('the other framers by the rules', () => {
  const framers = defaultRectFramers();
  const length = (encoding: number, w: number, h: number, body: Uint8Array, pf: PixelFormat = NATIVE_FORMAT): number | null =>
    (framers.get(encoding) as NonNullable<ReturnType<typeof framers.get>>).payloadLength(rect(w, h, encoding), queue(body), pf);

  it('Raw and Cursor follow the bits per pixel; Cursor adds a row-padded bitmask', () => {
    expect(length(ENCODING.Raw, 3, 2, new Uint8Array(0), RGB565)).toBe(12);
    expect(length(ENCODING.Raw, 3, 2, new Uint8Array(0), BGR233)).toBe(6);
    expect(length(ENCODING.Cursor, 9, 2, new Uint8Array(0))).toBe(9 * 2 * 4 + 2 * 2);
    expect(length(ENCODING.Cursor, 3, 2, new Uint8Array(0), RGB565)).toBe(12 + 2);
  });

  it('ExtendedDesktopSize: 4 bytes and 16 per screen; Zlib and ZRLE: 4 bytes and their length', () => {
    expect(length(ENCODING.ExtendedDesktopSize, 0, 0, new Uint8Array(0))).toBeNull();
    expect(length(ENCODING.ExtendedDesktopSize, 0, 0, Uint8Array.of(2))).toBe(36);
    expect(length(ENCODING.Zlib, 9, 9, Uint8Array.of(0, 0, 1))).toBeNull();
    expect(length(ENCODING.Zlib, 9, 9, Uint8Array.of(0, 0, 1, 0))).toBe(260);
    expect(length(ENCODING.ZRLE, 9, 9, Uint8Array.of(0, 1, 0, 0))).toBe(4 + 65536);
  });

  it('the table frames exactly Raw, CopyRect, Zlib, ZRLE, Tight and the Cursor, DesktopSize, ExtendedDesktopSize and LastRect pseudo-encodings', () => {
    expect([...framers.keys()].sort((a, b) => a - b)).toEqual([
      ENCODING.ExtendedDesktopSize, ENCODING.Cursor, ENCODING.LastRect, ENCODING.DesktopSize,
      ENCODING.Raw, ENCODING.CopyRect, ENCODING.Zlib, ENCODING.Tight, ENCODING.ZRLE,
    ].sort((a, b) => a - b));
    expect(framers.get(ENCODING.LastRect)?.endsUpdate).toBe(true);
  });
});
