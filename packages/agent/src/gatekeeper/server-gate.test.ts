import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ENCODING, NATIVE_FORMAT, decodePixelFormat, defaultRectFramers, decodeServerPixelFormat, framebufferUpdateHeader, rectHeader, serverCutText, serverInit, type PixelFormat,
} from '@tandem/rfb';
import { bridgeEncodingFilter } from './safe-encodings.js';
import { ServerGate } from './server-gate.js';

/** Streams captured from x11vnc and Xvnc (scripts/capture-rfb-fixtures.mjs), kept with the framers in @tandem/rfb. */
interface Fixture {
  name: string;
  pixelFormat: string;
  encodings: number[];
  marker: string;
  stream: string;
}

const FIXTURES = fileURLToPath(new URL('../../../rfb/src/rect-framers/fixtures/', import.meta.url));
const fixtures: Fixture[] = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(`${FIXTURES}${f}`, 'utf8')) as Fixture);
const LABEL = 'the VNC server at 127.0.0.1:5900';
const RGB565: PixelFormat = { ...NATIVE_FORMAT, bitsPerPixel: 16, depth: 16, redMax: 31, greenMax: 63, blueMax: 31, redShift: 11, greenShift: 5, blueShift: 0 };

/** A gate for a server whose ServerInit has `pf`, after the technician asked for `encodings` and one update. */
function gate(encodings: number[] = [ENCODING.Raw], pf: PixelFormat = NATIVE_FORMAT): ServerGate {
  const g = new ServerGate({ serverInit: serverInit(64, 48, pf, 'test'), label: LABEL });
  g.clientSent({ type: 'SetEncodings', encodings });
  g.clientSent({ type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: 64, h: 48 });
  expect(g.state).toBe('updating');
  return g;
}

/** A gate as the fixture's client set it up: its pixel format (set by SetPixelFormat when it is a true-colour one), its encodings, a request. */
function fixtureGate(f: Fixture): ServerGate {
  const bytes = Buffer.from(f.pixelFormat, 'hex');
  const trueColour = bytes[3] !== 0;
  const g = new ServerGate({ serverInit: serverInit(64, 48, trueColour ? NATIVE_FORMAT : decodeServerPixelFormat(bytes), 'test'), label: LABEL });
  if (trueColour) g.clientSent({ type: 'SetPixelFormat', format: decodePixelFormat(bytes) });
  g.clientSent({ type: 'SetEncodings', encodings: f.encodings });
  g.clientSent({ type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: 64, h: 48 });
  return g;
}

describe('ServerGate on streams captured from x11vnc and TigerVNC', () => {
  for (const f of fixtures) {
    it(`${f.name}: everything passes byte for byte but the clipboard, wherever the bytes are cut`, () => {
      const bytes = Buffer.from(f.stream, 'base64');
      const cutAt = bytes.indexOf(Buffer.from(f.marker, 'latin1')) - 8;
      // The capture ends with the ServerCutText holding the marker: what passes is everything before it.
      const expected = bytes.subarray(0, cutAt);
      const whole = fixtureGate(f);
      expect(Buffer.concat(whole.push(bytes)).equals(expected)).toBe(true);
      expect(whole.dropped).toEqual({ ServerCutText: 1 });
      for (let i = 1; i < bytes.length; i += Math.max(1, Math.floor(bytes.length / 500))) {
        const g = fixtureGate(f);
        const out = Buffer.concat([...g.push(bytes.subarray(0, i)), ...g.push(bytes.subarray(i))]);
        if (!out.equals(expected)) expect({ split: i, length: out.length }).toEqual({ split: i, length: expected.length });
      }
    });
  }
});

describe('ServerGate', () => {
  it('drops ServerCutText (header and text, however split) and passes Bell and updates in order', () => {
    const update = Buffer.concat([framebufferUpdateHeader(1), rectHeader(0, 0, 1, 1, ENCODING.Raw), Uint8Array.of(1, 2, 3, 4)]);
    const stream = Buffer.concat([Uint8Array.of(2), serverCutText('the customer\'s password'), update, serverCutText(''), Uint8Array.of(2)]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const g = gate();
      const out = Buffer.concat([...g.push(stream.subarray(0, cut)), ...g.push(stream.subarray(cut))]);
      expect(out.equals(Buffer.concat([Uint8Array.of(2), update, Uint8Array.of(2)]))).toBe(true);
      expect(g.dropped).toEqual({ ServerCutText: 2 });
    }
  });

  it('an update before any FramebufferUpdateRequest is the server\'s protocol violation', () => {
    const g = new ServerGate({ serverInit: serverInit(64, 48, NATIVE_FORMAT, 'test'), label: LABEL });
    expect(g.push(Uint8Array.of(2))).toHaveLength(1);
    expect(() => g.push(framebufferUpdateHeader(0))).toThrow(expect.objectContaining({
      code: 'TANDEM_ERR_PROTOCOL', message: `${LABEL} sent an RFB message the agent cannot check: a FramebufferUpdate before the technician asked for one (RFC 6143 §7.6.1: an update answers a FramebufferUpdateRequest)`,
    }));
    expect(g.state).toBe('closed');
    expect(() => g.push(Uint8Array.of(2))).toThrow(/already rejected/);
  });

  it('a rectangle in an encoding the technician did not ask for ends the stream; Raw needs no asking; one asked for once stays allowed', () => {
    const zrle = Buffer.concat([framebufferUpdateHeader(1), rectHeader(0, 0, 1, 1, ENCODING.ZRLE), new Uint8Array(4)]);
    expect(() => gate().push(zrle)).toThrow(/a rectangle in ZRLE \(16\), which the technician did not ask for/);
    const g = gate([ENCODING.ZRLE]);
    g.clientSent({ type: 'SetEncodings', encodings: [ENCODING.Raw] });
    expect(Buffer.concat(g.push(zrle)).equals(zrle)).toBe(true);
  });

  it('follows the technician\'s pixel format set before the first request, and refuses a change after it', () => {
    const g = new ServerGate({ serverInit: serverInit(64, 48, NATIVE_FORMAT, 'test'), label: LABEL });
    g.clientSent({ type: 'SetPixelFormat', format: RGB565 });
    g.clientSent({ type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: 64, h: 48 });
    // 2x1 Raw in 16 bits: 4 bytes, then a Bell.
    const stream = Buffer.concat([framebufferUpdateHeader(1), rectHeader(0, 0, 2, 1, ENCODING.Raw), new Uint8Array(4), Uint8Array.of(2)]);
    expect(Buffer.concat(g.push(stream)).equals(stream)).toBe(true);
    // The same format again changes nothing and passes.
    g.clientSent({ type: 'SetPixelFormat', format: RGB565 });
    expect(() => g.clientSent({ type: 'SetPixelFormat', format: NATIVE_FORMAT })).toThrow(expect.objectContaining({
      code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(/^technician changed the pixel format after asking for updates/),
    }));
    expect(g.state).toBe('closed');
  });

  it('a ServerInit whose pixel format cannot be framed is refused', () => {
    const init = serverInit(64, 48, NATIVE_FORMAT, 'test');
    init[4] = 24;
    expect(() => new ServerGate({ serverInit: init, label: LABEL })).toThrow(/its ServerInit has pixel format: bits-per-pixel 24/);
  });

  it('the bridge lets the technician ask for exactly the framed encodings, and the levels that only tune the server', () => {
    const allow = bridgeEncodingFilter(defaultRectFramers().keys());
    const candidates = [...Array.from({ length: 600 }, (_, i) => i - 400), 0xc0a1e5ce | 0, 0x574d5664, 0x574d5668];
    const kept = candidates.filter(allow).sort((a, b) => a - b);
    const levels = [...Array.from({ length: 10 }, (_, i) => ENCODING.CompressLevel0 + i), ...Array.from({ length: 10 }, (_, i) => ENCODING.QualityLevel0 + i)];
    expect(kept).toEqual([...defaultRectFramers().keys(), ...levels].sort((a, b) => a - b));
    // What the gatekeeper allowed the bridge before: RRE, Hextile, ZlibHex, TRLE, XCursor, PointerPos, DesktopName, Cursor with alpha.
    for (const e of [2, 5, 8, 15, -240, -232, -307, -314]) expect(allow(e)).toBe(false);
  });
});
