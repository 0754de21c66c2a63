import { describe, it, expect } from 'vitest';
import { TandemError } from '@tandem/protocol';
import { encodeClientMessage, NATIVE_FORMAT, type ClientMessage } from '@tandem/rfb';
import { Gatekeeper, type GateMode, type GatePiece } from './gatekeeper.js';
import { builtinEncodingFilter, isGatekeeperSafe } from './safe-encodings.js';

const HANDSHAKE = Buffer.concat([Buffer.from('RFB 003.008\n', 'latin1'), Buffer.of(1), Buffer.of(1)]);

function gate(mode: GateMode): Gatekeeper {
  const g = new Gatekeeper({ mode, allowEncoding: isGatekeeperSafe });
  const pieces = g.push(HANDSHAKE);
  expect(pieces.map((p) => p.phase)).toEqual(['version', 'security', 'init']);
  expect(g.state).toBe('normal');
  return g;
}

const SAMPLES: ClientMessage[] = [
  { type: 'SetPixelFormat', format: NATIVE_FORMAT },
  { type: 'SetEncodings', encodings: [16, 7, 0, -239, -223] },
  { type: 'FramebufferUpdateRequest', incremental: true, x: 1, y: 2, w: 300, h: 200 },
  { type: 'KeyEvent', down: true, keysym: 0x61 },
  { type: 'PointerEvent', buttonMask: 1, x: 10, y: 20 },
  { type: 'ClientCutText', text: 'hello' },
  { type: 'SetDesktopSize', width: 800, height: 600, screens: [{ id: 1, x: 0, y: 0, w: 800, h: 600, flags: 0 }] },
];
const INPUT = new Set(['KeyEvent', 'PointerEvent', 'ClientCutText', 'SetDesktopSize']);

/** Pushes `bytes` split at `cut`; returns every piece. */
function pushSplit(g: Gatekeeper, bytes: Uint8Array, cut: number): GatePiece[] {
  return [...g.push(bytes.subarray(0, cut)), ...g.push(bytes.subarray(cut))];
}

describe('Gatekeeper', () => {
  for (const mode of ['view', 'control'] as const) {
    for (const m of SAMPLES) {
      it(`${m.type} in ${mode}, split at every byte`, () => {
        const bytes = encodeClientMessage(m);
        for (let cut = 0; cut <= bytes.length; cut++) {
          const g = gate(mode);
          const before = g.push(bytes.subarray(0, cut));
          if (cut < bytes.length) expect(before).toEqual([]);
          const pieces = [...before, ...g.push(bytes.subarray(cut))];
          if (mode === 'view' && INPUT.has(m.type)) {
            expect(pieces).toEqual([]);
            expect(g.dropped[m.type]).toBe(1);
          } else {
            expect(pieces).toHaveLength(1);
            expect(Buffer.from(pieces[0]!.raw)).toEqual(Buffer.from(bytes));
            expect(g.droppedTotal).toBe(0);
          }
        }
      });
    }
  }

  it('parses the handshake split at every byte, for 3.8, 3.7 and 3.3', () => {
    for (const [version, bytes, phases] of [
      ['3.8', HANDSHAKE, ['version', 'security', 'init']],
      ['3.7', Buffer.concat([Buffer.from('RFB 003.007\n'), Buffer.of(1, 0)]), ['version', 'security', 'init']],
      ['3.3', Buffer.concat([Buffer.from('RFB 003.003\n'), Buffer.of(1)]), ['version', 'init']],
      ['3.889 (Apple: treated as 3.3)', Buffer.concat([Buffer.from('RFB 003.889\n'), Buffer.of(1)]), ['version', 'init']],
    ] as const) {
      for (let cut = 0; cut <= bytes.length; cut++) {
        const g = new Gatekeeper({ mode: 'view', allowEncoding: isGatekeeperSafe });
        const pieces = pushSplit(g, bytes, cut);
        expect(pieces.map((p) => p.phase), version).toEqual(phases);
        expect(g.state).toBe('normal');
      }
    }
  });

  it('a message stream split into single bytes comes out whole and in order', () => {
    const g = gate('control');
    const all = Buffer.concat(SAMPLES.map((m) => encodeClientMessage(m)));
    const pieces: GatePiece[] = [];
    for (const b of all) pieces.push(...g.push(Uint8Array.of(b)));
    expect(pieces.map((p) => (p.phase === 'message' ? p.message.type : p.phase))).toEqual(SAMPLES.map((m) => m.type));
  });

  it('filters SetEncodings to what it can parse the consequences of', () => {
    const g = gate('view');
    const extended = [0xc0a1e5ce | 0, -258, -313, -312, -309, -305, -316];
    const [piece] = g.push(encodeClientMessage({ type: 'SetEncodings', encodings: [16, ...extended, -239, -247, -23, 7] }));
    expect(piece?.phase === 'message' && piece.message).toEqual({ type: 'SetEncodings', encodings: [16, -239, -247, -23, 7] });
    expect(Buffer.from(piece!.raw)).toEqual(Buffer.from(encodeClientMessage({ type: 'SetEncodings', encodings: [16, -239, -247, -23, 7] })));
  });

  it('the built-in filter also drops what the engine lacks', () => {
    const allow = builtinEncodingFilter([0, 6, 7, 16]);
    expect([0, 1, 5, 6, 7, 16, -239, -224, -308, -307, -250, -30, 0xc0a1e5ce | 0].filter(allow)).toEqual([0, 6, 7, 16, -239, -224, -308, -250, -30]);
  });

  it('stepping down from control drops input at once and releases what was held', () => {
    const g = gate('control');
    g.push(encodeClientMessage({ type: 'KeyEvent', down: true, keysym: 0xffe1 }));
    g.push(encodeClientMessage({ type: 'KeyEvent', down: true, keysym: 0x61 }));
    g.push(encodeClientMessage({ type: 'KeyEvent', down: false, keysym: 0x61 }));
    g.push(encodeClientMessage({ type: 'PointerEvent', buttonMask: 1, x: 5, y: 6 }));
    const key = encodeClientMessage({ type: 'KeyEvent', down: true, keysym: 0x62 });
    expect(g.push(key.subarray(0, 3))).toEqual([]);
    const releases = g.setMode('view');
    expect(releases.map((b) => Buffer.from(b))).toEqual([
      Buffer.from(encodeClientMessage({ type: 'KeyEvent', down: false, keysym: 0xffe1 })),
      Buffer.from(encodeClientMessage({ type: 'PointerEvent', buttonMask: 0, x: 5, y: 6 })),
    ]);
    // The half-received key event completes after the switch: dropped.
    expect(g.push(key.subarray(3))).toEqual([]);
    expect(g.dropped.KeyEvent).toBe(1);
    expect(g.setMode('control')).toEqual([]);
  });

  const rejects: [string, Uint8Array, RegExp][] = [
    ['an unknown message type', Uint8Array.of(9, 0, 0, 0), /unknown client message type 9/],
    ['type 255 (QEMU, never negotiated)', Uint8Array.of(255, 0, 0, 0), /unknown client message type 255/],
    ['a bad KeyEvent down flag', Uint8Array.of(4, 7, 0, 0, 0, 0, 0, 0x61), /down-flag 7/],
    ['a bad incremental flag', Uint8Array.of(3, 2, 0, 0, 0, 0, 0, 1, 0, 1), /incremental flag 2/],
    ['too many encodings', Uint8Array.of(2, 0, 0xff, 0xff), /65535 encodings/],
    ['oversized cut text', Uint8Array.of(6, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff), /ClientCutText of 2147483647 bytes/],
    ['extended-clipboard cut text', Uint8Array.of(6, 0, 0, 0, 0xff, 0xff, 0xff, 0xf0), /extended-clipboard/],
    ['SetDesktopSize with no screens', Uint8Array.of(251, 0, 3, 0x20, 2, 0x58, 0, 0), /no screens/],
  ];
  for (const mode of ['view', 'control'] as const) {
    for (const [name, bytes, re] of rejects) {
      it(`ends the stream on ${name} in ${mode}`, () => {
        const g = gate(mode);
        let err: unknown;
        try {
          g.push(bytes);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(TandemError);
        expect((err as TandemError).code).toBe('TANDEM_ERR_PROTOCOL');
        expect((err as TandemError).message).toMatch(/^technician sent an RFB message the agent cannot check: /);
        expect((err as TandemError).message).toMatch(re);
        expect(g.state).toBe('closed');
        expect(() => g.push(Uint8Array.of(3))).toThrow(/already rejected/);
      });
    }
  }

  it('rejects a bad ProtocolVersion, a security type not offered and a bad ClientInit', () => {
    expect(() => new Gatekeeper({ mode: 'view', allowEncoding: isGatekeeperSafe }).push(Buffer.from('GET / HTTP/1.1\r\n'))).toThrow(/not an RFB ProtocolVersion/);
    expect(() => new Gatekeeper({ mode: 'view', allowEncoding: isGatekeeperSafe }).push(Buffer.from('RFB 003.008\n\x02'))).toThrow(/security type 2 chosen/);
    expect(() => new Gatekeeper({ mode: 'view', allowEncoding: isGatekeeperSafe }).push(Buffer.from('RFB 003.008\n\x01\x05'))).toThrow(/shared flag 5/);
  });

  it('holds a partial oversized cut-text header without buffering its body', () => {
    const g = gate('control');
    expect(g.push(Uint8Array.of(6, 0, 0, 0, 0x00, 0x10))).toEqual([]);
    expect(() => g.push(Uint8Array.of(0x00, 0x01))).toThrow(/ClientCutText of 1048577 bytes/);
  });
});
