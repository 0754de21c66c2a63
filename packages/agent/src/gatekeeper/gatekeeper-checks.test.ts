// The gatekeeper's and the server gate's smaller decisions, each on its own:
// which encodings pass (every one named, and the edges of the level ranges),
// what stepping between modes releases, what a repeated close or request
// does, and the exact text of a rejection. Written against the survivors of
// mutation testing (docs/security.md, "Mutation testing").
import { describe, expect, it } from 'vitest';
import { thrownTandemError } from '@tandem/test-kit';
import { ENCODING, NATIVE_FORMAT, encodeClientMessage, framebufferUpdateHeader, serverCutText, serverInit } from '@tandem/rfb';
import { Gatekeeper } from './gatekeeper.js';
import { builtinEncodingFilter, isGatekeeperSafe } from './safe-encodings.js';
import { ServerGate } from './server-gate.js';

const VERSION = Buffer.from('RFB 003.008\n', 'latin1');
const key = (down: boolean, keysym: number): Uint8Array => encodeClientMessage({ type: 'KeyEvent', down, keysym });
const pointer = (buttonMask: number, x: number, y: number): Uint8Array => encodeClientMessage({ type: 'PointerEvent', buttonMask, x, y });

function normalGate(mode: 'view' | 'control'): Gatekeeper {
  const g = new Gatekeeper({ mode, allowEncoding: isGatekeeperSafe });
  g.push(Buffer.concat([VERSION, Uint8Array.of(1, 1)]));
  return g;
}

describe('isGatekeeperSafe', () => {
  it('allows each encoding it names and the compression and quality levels, edges included, and nothing beside them', () => {
    const named = [0, 1, 2, 5, 6, 7, 8, 15, 16, -239, -240, -223, -224, -308, -307, -232, -314];
    for (const e of named) expect(isGatekeeperSafe(e), `${e}`).toBe(true);
    for (const e of [-256, -247, -32, -23]) expect(isGatekeeperSafe(e), `${e}`).toBe(true);
    // The same numbers with the other sign, the values just outside the level ranges, and the extensions it cannot parse.
    for (const e of [240, 307, 232, 314, 239, -257, -246, -33, -22, 3, -258, -313, -312, -309, -305, -316, 0xc0a1e5ce | 0]) {
      expect(isGatekeeperSafe(e), `${e}`).toBe(false);
    }
  });

  it('the built-in filter keeps every level, edges included, and only the levels besides its encoders and pseudo-encodings', () => {
    const allow = builtinEncodingFilter([ENCODING.Raw]);
    for (const e of [-256, -247, -32, -23]) expect(allow(e), `${e}`).toBe(true);
    for (const e of [-257, -246, -33, -22, ENCODING.ZRLE]) expect(allow(e), `${e}`).toBe(false);
  });
});

describe('Gatekeeper mode switches', () => {
  it('counts every dropped message in droppedTotal', () => {
    const g = normalGate('view');
    g.push(Buffer.concat([key(true, 0x61), key(false, 0x61), pointer(1, 2, 3)]));
    expect(g.dropped).toEqual({ KeyEvent: 2, PointerEvent: 1 });
    expect(g.droppedTotal).toBe(3);
  });

  it('control to control releases nothing and keeps what is held for the step down', () => {
    const g = normalGate('control');
    g.push(key(true, 0x61));
    expect(g.setMode('control')).toEqual([]);
    expect(g.setMode('view').map((b) => Buffer.from(b))).toEqual([Buffer.from(key(false, 0x61))]);
  });

  it('stepping down with no button held sends no pointer release', () => {
    const g = normalGate('control');
    g.push(Buffer.concat([pointer(0, 7, 8), key(true, 0x62)]));
    expect(g.setMode('view').map((b) => Buffer.from(b))).toEqual([Buffer.from(key(false, 0x62))]);
  });
});

describe('Gatekeeper handshake and rejections', () => {
  it('reports ClientInit’s shared flag as it was sent', () => {
    for (const flag of [0, 1]) {
      const pieces = new Gatekeeper({ mode: 'view', allowEncoding: isGatekeeperSafe }).push(Buffer.concat([VERSION, Uint8Array.of(1, flag)]));
      expect(pieces[2]).toMatchObject({ phase: 'init', shared: flag === 1 });
    }
  });

  it('names the technician in a bad ProtocolVersion, and keeps the RFB parser’s own words without its prefix', () => {
    const version = thrownTandemError(() => new Gatekeeper({ mode: 'view', allowEncoding: isGatekeeperSafe }).push(Buffer.from('GET / HTTP/1.1\r\n')));
    expect(version.message).toBe('technician sent an RFB message the agent cannot check: the technician sent "GET / HTTP/1", not an RFB ProtocolVersion');
    const unknown = thrownTandemError(() => normalGate('control').push(Uint8Array.of(9, 0, 0, 0)));
    expect(unknown.message).toBe('technician sent an RFB message the agent cannot check: unknown client message type 9');
  });

  it('closing twice, or after a rejection, is harmless', () => {
    const g = normalGate('view');
    g.close();
    expect(() => g.close()).not.toThrow();
    expect(g.state).toBe('closed');
    const rejected = normalGate('view');
    expect(() => rejected.push(Uint8Array.of(9, 0, 0, 0))).toThrow();
    expect(() => rejected.close()).not.toThrow();
  });
});

describe('ServerGate', () => {
  const LABEL = 'the VNC server at 127.0.0.1:5900';
  const fresh = (): ServerGate => new ServerGate({ serverInit: serverInit(64, 48, NATIVE_FORMAT, 'test'), label: LABEL });
  const request = { type: 'FramebufferUpdateRequest', incremental: true, x: 0, y: 0, w: 64, h: 48 } as const;

  it('takes any number of FramebufferUpdateRequests, and ignores input messages', () => {
    const g = fresh();
    g.clientSent({ type: 'KeyEvent', down: true, keysym: 0x61 });
    expect(g.state).toBe('negotiating');
    g.clientSent(request);
    expect(() => g.clientSent(request)).not.toThrow();
    expect(g.state).toBe('updating');
  });

  it('passes a message other than an update before the first request (a bell; the clipboard is dropped)', () => {
    const g = fresh();
    expect(Buffer.concat(g.push(Buffer.concat([Uint8Array.of(2), serverCutText('secret')])))).toEqual(Buffer.of(2));
    expect(g.dropped).toEqual({ ServerCutText: 1 });
    expect(g.state).toBe('negotiating');
  });

  it('keeps the RFB parser’s own words without its prefix, and closing twice is harmless', () => {
    const g = fresh();
    g.clientSent(request);
    const err = thrownTandemError(() => g.push(Uint8Array.of(77)));
    expect(err.message).toMatch(new RegExp(`^${LABEL} sent an RFB message the agent cannot check: [a-z]`));
    expect(err.message).not.toMatch(/rfb: |Stryker/);
    expect(() => g.close()).not.toThrow();
    expect(() => fresh().push(framebufferUpdateHeader(0))).toThrow(/before the technician asked/);
  });
});
