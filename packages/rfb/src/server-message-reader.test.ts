import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ByteQueue } from './byte-queue.js';
import { ENCODING } from './encodings.js';
import { NATIVE_FORMAT, decodeServerPixelFormat, type PixelFormat } from './pixel-format.js';
import { defaultRectFramers } from './rect-framers/registry.js';
import { ServerMessageReader, type ServerPiece } from './server-message-reader.js';
import { framebufferUpdateHeader, rectHeader, serverCutText } from './server-messages.js';

/** A stream captured from a real server by scripts/capture-rfb-fixtures.mjs. */
interface Fixture {
  name: string;
  server: string;
  pixelFormat: string;
  marker: string;
  stream: string;
}

const FIXTURES = new URL('./rect-framers/fixtures/', import.meta.url);
const fixtures: Fixture[] = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(new URL(f, FIXTURES), 'utf8')) as Fixture);

function reader(pf: PixelFormat = NATIVE_FORMAT): ServerMessageReader {
  return new ServerMessageReader({ framers: defaultRectFramers(), pixelFormat: pf });
}

/** Feeds `chunks` in order and collects every piece; the reader stays where the bytes ran out. */
function readAll(r: ServerMessageReader, chunks: Uint8Array[]): ServerPiece[] {
  const q = new ByteQueue();
  const out: ServerPiece[] = [];
  for (const c of chunks) {
    q.push(c);
    for (let p = r.next(q); p !== null; p = r.next(q)) out.push(p);
  }
  return out;
}

/**
 * What the pieces say, independent of how the bytes were cut: each
 * non-payload piece with its offset in the stream, and every message's
 * payload as one run of bytes (merged however many pieces carried it).
 */
function signature(pieces: ServerPiece[]): string[] {
  const out: string[] = [];
  let offset = 0;
  let run = 0;
  for (const p of pieces) {
    if (p.part === 'payload') {
      run += p.raw.length;
    } else {
      if (run > 0) out.push(`payload ${run}`);
      run = 0;
      out.push(`${offset} ${p.message} ${p.part}${p.part === 'rectangle' ? ` ${p.rect.encoding} ${p.rect.w}x${p.rect.h}` : ''}`);
    }
    offset += p.raw.length;
  }
  if (run > 0) out.push(`payload ${run}`);
  return out;
}

describe('ServerMessageReader on streams captured from x11vnc and TigerVNC', () => {
  it('has fixtures from both servers', () => {
    expect(fixtures.some((f) => f.server.startsWith('x11vnc'))).toBe(true);
    expect(fixtures.some((f) => f.server.includes('TigerVNC'))).toBe(true);
  });

  for (const f of fixtures) {
    const bytes = Buffer.from(f.stream, 'base64');
    const pf = decodeServerPixelFormat(Buffer.from(f.pixelFormat, 'hex'));

    it(`${f.name}: every byte is framed, and the ServerCutText is found exactly where the marker is`, () => {
      const r = reader(pf);
      const pieces = readAll(r, [bytes]);
      expect(r.atBoundary).toBe(true);
      // Nothing lost, nothing added: the pieces are the stream.
      expect(Buffer.concat(pieces.map((p) => p.raw)).equals(bytes)).toBe(true);
      const markerAt = bytes.indexOf(Buffer.from(f.marker, 'latin1'));
      let offset = 0;
      let cutAt = -1;
      for (const p of pieces) {
        if (p.message === 'ServerCutText' && p.part === 'header') cutAt = offset;
        offset += p.raw.length;
      }
      // Found by a plain byte search, independently of the reader: a misframed rectangle could not land here.
      expect(cutAt).toBe(markerAt - 8);
      const text = Buffer.concat(pieces.filter((p) => p.message === 'ServerCutText' && p.part === 'payload').map((p) => p.raw)).toString('latin1');
      expect(text).toBe(f.marker);
    });

    it(`${f.name}: resumes at every byte boundary (split in two anywhere, and one byte at a time)`, () => {
      const whole = signature(readAll(reader(pf), [bytes]));
      for (let i = 1; i < bytes.length; i++) {
        const r = reader(pf);
        const got = signature(readAll(r, [bytes.subarray(0, i), bytes.subarray(i)]));
        if (got.join('|') !== whole.join('|')) expect({ split: i, got }).toEqual({ split: i, got: whole });
        expect(r.atBoundary).toBe(true);
      }
      const bytewise = reader(pf);
      expect(signature(readAll(bytewise, [...bytes].map((b) => Uint8Array.of(b))))).toEqual(whole);
      expect(bytewise.atBoundary).toBe(true);
    });
  }
});

describe('ServerMessageReader: the message framing itself', () => {
  it('Bell, SetColourMapEntries, an empty update and ServerCutText', () => {
    const colourMap = Buffer.alloc(6 + 12);
    colourMap[0] = 1;
    colourMap.writeUInt16BE(5, 2);
    colourMap.writeUInt16BE(2, 4);
    const stream = Buffer.concat([Uint8Array.of(2), colourMap, framebufferUpdateHeader(0), serverCutText('abc'), serverCutText('')]);
    const r = reader();
    const pieces = readAll(r, [stream]);
    expect(pieces.map((p) => `${p.message}/${p.part}/${p.raw.length}`)).toEqual([
      'Bell/whole/1', 'SetColourMapEntries/whole/18', 'FramebufferUpdate/header/4', 'ServerCutText/header/8', 'ServerCutText/payload/3', 'ServerCutText/header/8',
    ]);
    expect(pieces[1]).toMatchObject({ first: 5, colours: 2 });
    expect(r.atBoundary).toBe(true);
  });

  it('yields the same pieces before an error however the bytes are split (found by fuzzing)', () => {
    // An update whose second rectangle is Tight with a compression-control byte Tight does not have:
    // the reader used to frame the payload in the same call as the header, so with all the bytes at
    // once the header was taken and lost in the error, while byte by byte it came out first.
    const bytes = Uint8Array.from([
      ...framebufferUpdateHeader(2),
      ...rectHeader(0, 0, 0, 0, ENCODING.Cursor),
      ...rectHeader(0, 0, 4, 4, ENCODING.Tight),
      0xff,
    ]);
    const outcome = (chunks: Uint8Array[]): { pieces: string[]; error: string } => {
      const q = new ByteQueue();
      const r = reader();
      const pieces: ServerPiece[] = [];
      try {
        for (const c of chunks) {
          q.push(c);
          for (let p = r.next(q); p !== null; p = r.next(q)) pieces.push(p);
        }
      } catch (err) {
        return { pieces: signature(pieces), error: (err as Error).message };
      }
      throw new Error('the stream should have been refused');
    };
    const whole = outcome([bytes]);
    expect(whole.pieces).toEqual(['0 FramebufferUpdate header', '4 FramebufferUpdate rectangle -239 0x0', '16 FramebufferUpdate rectangle 7 4x4']);
    expect(whole.error).toMatch(/compression control 0xff/);
    expect(outcome(Array.from(bytes, (b) => Uint8Array.of(b)))).toEqual(whole);
  });

  it('"need more bytes" is null and consumes nothing', () => {
    const q = new ByteQueue();
    const r = reader();
    q.push(Uint8Array.of(0, 0, 0));
    expect(r.next(q)).toBeNull();
    expect(q.length).toBe(3);
    q.push(Uint8Array.of(1));
    expect(r.next(q)).toMatchObject({ message: 'FramebufferUpdate', part: 'header', rects: 1 });
    q.push(rectHeader(0, 0, 2, 1, ENCODING.Raw).subarray(0, 11));
    expect(r.next(q)).toBeNull();
    expect(q.length).toBe(11);
    expect(r.atBoundary).toBe(false);
  });

  it('LastRect ends an update whatever its count said (0xFFFF)', () => {
    const stream = Buffer.concat([framebufferUpdateHeader(0xffff), rectHeader(0, 0, 1, 1, ENCODING.Raw), new Uint8Array(4), rectHeader(0, 0, 0, 0, ENCODING.LastRect), Uint8Array.of(2)]);
    const r = reader();
    const pieces = readAll(r, [stream]);
    expect(pieces.at(-1)).toMatchObject({ message: 'Bell' });
    expect(r.atBoundary).toBe(true);
    // A rectangle without payload is over with its header: the update ends without waiting for another byte.
    const q = new ByteQueue();
    const r2 = reader();
    q.push(stream.subarray(0, stream.length - 1));
    const kinds: string[] = [];
    for (let p = r2.next(q); p !== null; p = r2.next(q)) kinds.push(p.part === 'rectangle' ? `rect ${p.rect.encoding}` : p.part);
    expect(kinds).toEqual(['header', `rect ${ENCODING.Raw}`, 'payload', `rect ${ENCODING.LastRect}`]);
    expect(r2.atBoundary).toBe(true);
  });

  it('frames Raw in the pixel format it is told, and follows a change', () => {
    const r = reader({ ...NATIVE_FORMAT, bitsPerPixel: 16, depth: 16, redMax: 31, greenMax: 63, blueMax: 31, redShift: 11, greenShift: 5, blueShift: 0 });
    const two = Buffer.concat([framebufferUpdateHeader(1), rectHeader(0, 0, 2, 2, ENCODING.Raw), new Uint8Array(8), Uint8Array.of(2)]);
    expect(readAll(r, [two]).at(-1)).toMatchObject({ message: 'Bell' });
    r.pixelFormat = NATIVE_FORMAT;
    const four = Buffer.concat([framebufferUpdateHeader(1), rectHeader(0, 0, 2, 2, ENCODING.Raw), new Uint8Array(16), Uint8Array.of(2)]);
    expect(readAll(r, [four]).at(-1)).toMatchObject({ message: 'Bell' });
    expect(r.atBoundary).toBe(true);
  });

  it('passes a long payload on as it arrives, without holding it', () => {
    const r = reader();
    const q = new ByteQueue();
    q.push(Buffer.concat([framebufferUpdateHeader(1), rectHeader(0, 0, 100, 100, ENCODING.Raw)]));
    r.next(q);
    r.next(q);
    q.push(new Uint8Array(1000));
    expect(r.next(q)).toMatchObject({ part: 'payload', raw: { length: 1000 } });
    expect(r.next(q)).toBeNull();
    expect(r.state).toBe('payload');
  });

  for (const [what, bytes, message] of [
    ['an unknown message type', Uint8Array.of(150), /unknown server message type 150/],
    ['ServerCutText in the extended-clipboard format', Uint8Array.of(3, 0, 0, 0, 0x80, 0, 0, 4), /extended-clipboard/],
    ['a rectangle in an encoding without a framer', Buffer.concat([framebufferUpdateHeader(1), rectHeader(0, 0, 1, 1, 5)]), /encoding 5, which has no framer/],
  ] as const) {
    it(`${what} is TANDEM_ERR_PROTOCOL, and the reader stays failed`, () => {
      const r = reader();
      const q = new ByteQueue();
      q.push(bytes);
      expect(() => { for (let i = 0; i < 4; i++) r.next(q); }).toThrow(message);
      expect(r.state).toBe('failed');
      q.push(Uint8Array.of(2));
      expect(() => r.next(q)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(/already rejected/) }));
    });
  }
});
