// The screen benchmark's RFB client: one client for every server measured, so
// the same requests meet each. It authenticates (VNC Authentication), asks for
// 32-bit true colour and the encodings it is given, requests incremental
// updates of the whole screen one after another (the next request leaves as
// soon as an update has been read whole, as viewers do), and parses only the
// framing of what arrives to count updates, rectangles and bytes. Pixels are
// never decoded. Understands Raw, CopyRect, Zlib, Tight (fill, JPEG, basic with
// copy, palette and gradient filters), ZRLE and the pseudo-encodings LastRect,
// DesktopSize, ExtendedDesktopSize and Cursor.
import { Buffer } from 'node:buffer';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// VNC Authentication's DES response, from the rfb package (RFC 6143 §7.2.2).
const RFB_DIST = resolve(import.meta.dirname, '../../packages/rfb/dist');
const { vncResponse } = await import(pathToFileURL(`${RFB_DIST}/vnc-auth.js`).href);

/** Encoding numbers (RFC 6143 §7.7-7.8, rfbproto). */
export const ENC = {
  Raw: 0, CopyRect: 1, Zlib: 6, Tight: 7, ZRLE: 16,
  Cursor: -239, DesktopSize: -223, LastRect: -224, ExtendedDesktopSize: -308,
  compressLevel: (n) => -256 + n, qualityLevel: (n) => -32 + n,
};
const NAMES = { 0: 'Raw', 1: 'CopyRect', 6: 'Zlib', 7: 'Tight', 16: 'ZRLE' };
const BPP = 4; // 32-bit pixels, asked for in SetPixelFormat
const CPIXEL = 3; // ZRLE CPIXEL / Tight TPIXEL for depth 24 in 32 bits

/**
 * Drives a generator parser with socket bytes: the generator yields n > 0 to
 * receive the next n bytes as a Buffer, or -n to skip n bytes unseen.
 */
class Feeder {
  #gen;
  #want;
  #acc = [];
  #accLen = 0;

  constructor(gen) {
    this.#gen = gen;
    this.#want = gen.next().value;
  }

  feed(chunk) {
    let off = 0;
    while (off < chunk.length) {
      if (this.#want < 0) {
        const k = Math.min(-this.#want, chunk.length - off);
        off += k;
        this.#want += k;
        if (this.#want === 0) this.#want = this.#gen.next().value;
      } else {
        const k = Math.min(this.#want - this.#accLen, chunk.length - off);
        this.#acc.push(chunk.subarray(off, off + k));
        this.#accLen += k;
        off += k;
        if (this.#accLen === this.#want) {
          const b = this.#acc.length === 1 ? this.#acc[0] : Buffer.concat(this.#acc);
          this.#acc = [];
          this.#accLen = 0;
          this.#want = this.#gen.next(b).value;
        }
      }
    }
  }
}

function* skip(n) {
  if (n > 0) yield -n;
}

/** Tight's compact length (rfbproto "Tight Encoding"): 1 to 3 bytes, 7 bits each. */
function* compactLength() {
  const b0 = (yield 1)[0];
  let len = b0 & 0x7f;
  if (b0 & 0x80) {
    const b1 = (yield 1)[0];
    len |= (b1 & 0x7f) << 7;
    if (b1 & 0x80) len |= (yield 1)[0] << 14;
  }
  return len;
}

function* tightBody(w, h, stats) {
  const control = (yield 1)[0];
  const type = control >> 4;
  if (type === 8) {
    stats.tight.fill++;
    yield* skip(CPIXEL);
    return;
  }
  if (type === 9) {
    stats.tight.jpeg++;
    yield* skip(yield* compactLength());
    return;
  }
  if (type > 9) throw new Error(`Tight: bad compression control 0x${control.toString(16)}`);
  let filter = 0;
  if (control & 0x40) filter = (yield 1)[0];
  let size;
  if (filter === 1) {
    const n = (yield 1)[0] + 1;
    yield* skip(n * CPIXEL);
    size = n === 2 ? Math.ceil(w / 8) * h : w * h;
    stats.tight.palette++;
  } else if (filter === 0 || filter === 2) {
    size = w * h * CPIXEL;
    stats.tight.full++;
  } else throw new Error(`Tight: bad filter ${filter}`);
  if (size < 12) yield* skip(size);
  else yield* skip(yield* compactLength());
}

function* rectBody(r, stats) {
  switch (r.encoding) {
    case ENC.Raw: return yield* skip(r.w * r.h * BPP);
    case ENC.CopyRect: return yield* skip(4);
    case ENC.Zlib:
    case ENC.ZRLE: return yield* skip((yield 4).readUInt32BE(0));
    case ENC.Tight: return yield* tightBody(r.w, r.h, stats);
    case ENC.DesktopSize: return undefined;
    case ENC.ExtendedDesktopSize: return yield* skip((yield 4)[0] * 16);
    case ENC.Cursor: return yield* skip(r.w * r.h * BPP + Math.floor((r.w + 7) / 8) * r.h);
    default: throw new Error(`unexpected encoding ${r.encoding} at ${JSON.stringify(r)}`);
  }
}

function setPixelFormat() {
  const b = Buffer.alloc(20);
  b[0] = 0;
  // 32 bpp, depth 24, little-endian, true colour, 8 bits per channel, R<<16 G<<8 B.
  b.set([32, 24, 0, 1], 4);
  b.writeUInt16BE(255, 8); b.writeUInt16BE(255, 10); b.writeUInt16BE(255, 12);
  b.set([16, 8, 0], 14);
  return b;
}

function setEncodings(list) {
  const b = Buffer.alloc(4 + 4 * list.length);
  b[0] = 2;
  b.writeUInt16BE(list.length, 2);
  list.forEach((e, i) => b.writeInt32BE(e, 4 + 4 * i));
  return b;
}

function updateRequest(incremental, w, h) {
  const b = Buffer.alloc(10);
  b[0] = 3;
  b[1] = incremental ? 1 : 0;
  b.writeUInt16BE(w, 6);
  b.writeUInt16BE(h, 8);
  return b;
}

function freshStats() {
  return { updates: 0, rects: 0, bytes: 0, byEncoding: {}, tight: { fill: 0, jpeg: 0, palette: 0, full: 0 } };
}

/**
 * Connects to an RFB server, authenticates with `password`, asks for
 * `encodings`, and keeps requesting updates. `measure()` starts a window and
 * returns a function that ends it with the counts.
 */
export async function countingClient({ port, password, encodings }) {
  const sock = connect(port, '127.0.0.1');
  sock.setNoDelay(true);
  await new Promise((res, rej) => { sock.once('connect', res); sock.once('error', rej); });
  let stats = freshStats();
  let measuring = false;
  let fb = { w: 0, h: 0 };
  let onReady;
  let failed = null;
  const ready = new Promise((res, rej) => { onReady = res; sock.once('error', rej); sock.once('close', () => rej(failed ?? new Error('closed before the first update'))); });

  function* session() {
    const version = (yield 12).toString('latin1');
    if (!/^RFB 003\.00[78]\n$/.test(version)) throw new Error(`server speaks ${JSON.stringify(version)}`);
    sock.write('RFB 003.008\n');
    const n = (yield 1)[0];
    if (n === 0) throw new Error('server refused the connection');
    const types = yield n;
    if (!types.includes(2)) throw new Error(`no VNC Authentication among ${[...types]}`);
    sock.write(Uint8Array.of(2));
    sock.write(vncResponse(yield 16, password));
    if ((yield 4).readUInt32BE(0) !== 0) throw new Error('VNC authentication failed');
    sock.write(Uint8Array.of(1)); // shared
    const init = yield 24;
    fb = { w: init.readUInt16BE(0), h: init.readUInt16BE(2) };
    yield* skip(init.readUInt32BE(20));
    sock.write(setPixelFormat());
    sock.write(setEncodings(encodings));
    sock.write(updateRequest(false, fb.w, fb.h));
    let first = true;
    let last = null;
    for (;;) {
      const type = (yield 1)[0];
      if (type === 0) {
        const count = (yield 3).readUInt16BE(1);
        for (let i = 0; i < count; i++) {
          const h = yield 12;
          const r = { x: h.readUInt16BE(0), y: h.readUInt16BE(2), w: h.readUInt16BE(4), h: h.readUInt16BE(6), encoding: h.readInt32BE(8) };
          last = r;
          if (r.encoding === ENC.LastRect) break;
          if (r.encoding === ENC.DesktopSize || r.encoding === ENC.ExtendedDesktopSize) fb = { w: r.w, h: r.h };
          stats.rects++;
          const name = NAMES[r.encoding] ?? String(r.encoding);
          stats.byEncoding[name] = (stats.byEncoding[name] ?? 0) + 1;
          yield* rectBody(r, stats);
        }
        stats.updates++;
        sock.write(updateRequest(true, fb.w, fb.h));
        if (first) {
          first = false;
          onReady();
        }
      } else if (type === 1) {
        const h = yield 5;
        yield* skip(h.readUInt16BE(3) * 6);
      } else if (type === 2) {
        // Bell: no payload.
      } else if (type === 3) {
        stats.cutTexts = (stats.cutTexts ?? 0) + 1;
        yield* skip(3);
        yield* skip((yield 4).readUInt32BE(0));
      } else throw new Error(`unexpected server message ${type} after ${JSON.stringify(last)}`);
    }
  }

  const feeder = new Feeder(session());
  sock.on('data', (chunk) => {
    if (measuring) stats.bytes += chunk.length;
    try {
      feeder.feed(chunk);
    } catch (err) {
      failed = err;
      sock.destroy();
    }
  });
  await ready;
  return {
    /** Starts a measured window; the returned function ends it. */
    measure() {
      stats = freshStats();
      measuring = true;
      return () => {
        measuring = false;
        if (failed) throw failed;
        return stats;
      };
    },
    close() {
      sock.destroy();
    },
  };
}
