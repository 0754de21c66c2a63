import { describe, expect, it } from 'vitest';
import { ByteQueue, encodePixelFormat, ENCODING, NATIVE_FORMAT, parseClientMessage, rectHeader, type ClientMessage } from '@tandem/rfb';
import { RfbClient, type RfbClientEvent } from './rfb-client.js';

/** A client fed by a scripted server, byte by byte; what it sends is parsed back. */
function scripted(opts: { encodings?: number[] } = {}) {
  const sent: Uint8Array[] = [];
  const events: RfbClientEvent[] = [];
  const client = new RfbClient({ ...opts, send: (b) => { sent.push(b); }, onEvent: (e) => events.push(e) });
  const feed = async (...parts: readonly (Uint8Array | readonly number[] | string)[]): Promise<void> => {
    for (const p of parts) {
      const bytes = typeof p === 'string' ? Buffer.from(p, 'latin1') : Uint8Array.from(p);
      for (const b of bytes) {
        client.receive(Uint8Array.of(b));
        await new Promise((r) => setImmediate(r));
      }
    }
  };
  /** Client messages sent after the handshake's first `skip` writes. */
  const messages = (skip: number): ClientMessage[] => {
    const q = new ByteQueue();
    for (const b of sent.slice(skip)) q.push(Uint8Array.from(b));
    const out: ClientMessage[] = [];
    for (let m = parseClientMessage(q); m; m = parseClientMessage(q)) out.push(m.message);
    return out;
  };
  return { client, sent, events, feed, messages };
}

function u16(n: number): number[] { return [n >> 8, n & 0xff]; }
function u32(n: number): number[] { return [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]; }
function serverInit(w: number, h: number, name: string): number[] {
  return [...u16(w), ...u16(h), ...encodePixelFormat(NATIVE_FORMAT), ...u32(name.length), ...Buffer.from(name)];
}
const HANDSHAKE: (string | number[])[] = ['RFB 003.008\n', [1, 1], u32(0)];
const HANDSHAKE_WRITES = 3; // version, security type, ClientInit

describe('RfbClient', () => {
  it('runs the 3.8 handshake with security None, then sets format and encodings and asks for the screen', async () => {
    const s = scripted();
    await s.feed(...HANDSHAKE, serverInit(4, 2, 'desk'));
    expect(s.sent.slice(0, HANDSHAKE_WRITES).map((b) => Buffer.from(b).toString('latin1'))).toEqual(['RFB 003.008\n', '\x01', '\x01']);
    expect(s.client.state).toBe('normal');
    expect(s.events).toEqual([{ type: 'screen', width: 4, height: 2, name: 'desk' }]);
    expect(s.messages(HANDSHAKE_WRITES)).toEqual([
      { type: 'SetPixelFormat', format: NATIVE_FORMAT },
      { type: 'SetEncodings', encodings: [ENCODING.ZRLE, ENCODING.Zlib, ENCODING.CopyRect, ENCODING.Raw, ENCODING.DesktopSize, ENCODING.ExtendedDesktopSize, ENCODING.LastRect] },
      { type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: 4, h: 2 },
    ]);
  });

  it('reads updates ended by LastRect, Bell and ServerCutText, asking incrementally after each update', async () => {
    const s = scripted();
    await s.feed(...HANDSHAKE, serverInit(2, 1, ''));
    const n = s.sent.length;
    await s.feed([0, 0, 0xff, 0xff], rectHeader(0, 0, 2, 1, ENCODING.Raw), [1, 2, 3, 0, 4, 5, 6, 0], rectHeader(0, 0, 0, 0, ENCODING.LastRect), [2], [3, 0, 0, 0, ...u32(2), 104, 105]);
    expect(s.client.framebuffer!.pixel(0, 0)).toBe(0x030201);
    expect(s.client.framebuffer!.pixel(1, 0)).toBe(0x060504);
    expect(s.events.slice(1)).toEqual([{ type: 'update' }, { type: 'bell' }, { type: 'cut-text', text: 'hi' }]);
    expect(s.messages(n)).toEqual([{ type: 'FramebufferUpdateRequest', incremental: true, x: 0, y: 0, w: 2, h: 1 }]);
  });

  it('resolves a snapshot only from updates that started after its request', async () => {
    const s = scripted({ encodings: [ENCODING.Raw] });
    await s.feed(...HANDSHAKE, serverInit(2, 1, ''));
    // An update is already on its way, its first rectangle covering everything...
    await s.feed([0, 0, 0, 2], rectHeader(0, 0, 2, 1, ENCODING.Raw), [1, 1, 1, 0, 1, 1, 1, 0]);
    let got: Uint8Array | undefined;
    const n = s.sent.length;
    const snap = s.client.snapshot(5_000).then((shot) => { got = shot.rgb; return shot; });
    await new Promise((r) => setImmediate(r));
    await s.feed(rectHeader(0, 0, 1, 1, ENCODING.Raw), [2, 2, 2, 0]);
    expect(got).toBeUndefined();
    expect(s.messages(n)).toEqual([
      { type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: 2, h: 1 },
      { type: 'FramebufferUpdateRequest', incremental: true, x: 0, y: 0, w: 2, h: 1 },
    ]);
    // ...so only the next full update answers the snapshot.
    await s.feed([0, 0, 0, 2], rectHeader(1, 0, 1, 1, ENCODING.Raw), [9, 9, 9, 0], rectHeader(0, 0, 1, 1, ENCODING.Raw), [8, 8, 8, 0]);
    expect([...(await snap).rgb]).toEqual([8, 8, 8, 9, 9, 9]);
  });

  it('follows DesktopSize and asks for the whole new screen', async () => {
    const s = scripted();
    await s.feed(...HANDSHAKE, serverInit(2, 2, ''));
    const n = s.sent.length;
    await s.feed([0, 0, 0, 1], rectHeader(0, 0, 3, 5, ENCODING.DesktopSize));
    expect(s.events).toContainEqual({ type: 'resize', width: 3, height: 5 });
    expect(s.messages(n)).toEqual([{ type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: 3, h: 5 }]);
  });

  it('sends typed text as key down and up per character, and clicks as move, press, release', async () => {
    const s = scripted();
    await s.feed(...HANDSHAKE, serverInit(2, 2, ''));
    const n = s.sent.length;
    await s.client.typeText('a\n');
    await s.client.click(1, 1);
    expect(s.messages(n)).toEqual([
      { type: 'KeyEvent', down: true, keysym: 0x61 }, { type: 'KeyEvent', down: false, keysym: 0x61 },
      { type: 'KeyEvent', down: true, keysym: 0xff0d }, { type: 'KeyEvent', down: false, keysym: 0xff0d },
      { type: 'PointerEvent', buttonMask: 0, x: 1, y: 1 }, { type: 'PointerEvent', buttonMask: 1, x: 1, y: 1 }, { type: 'PointerEvent', buttonMask: 0, x: 1, y: 1 },
    ]);
  });

  it.each([
    ['an old protocol version', ['RFB 003.003\n'], /needs 3.8/],
    ['a refused connection', ['RFB 003.008\n', [0, ...u32(4)], 'busy'], /refused the connection: busy/],
    ['only unknown security types', ['RFB 003.008\n', [1, 19]], /security types 19/],
    ['a failed security result', [...HANDSHAKE.slice(0, 2), [0, 0, 0, 1, ...u32(2)], 'no'], /security handshake failed: no/],
    ['an unknown server message', [...HANDSHAKE, serverInit(1, 1, ''), [77]], /unknown server message type 77/],
    ['a rectangle outside the screen', [...HANDSHAKE, serverInit(1, 1, ''), [0, 0, 0, 1], rectHeader(0, 0, 2, 1, ENCODING.Raw)], /outside/],
    ['an encoding it does not decode', [...HANDSHAKE, serverInit(1, 1, ''), [0, 0, 0, 1], rectHeader(0, 0, 1, 1, ENCODING.Tight)], /encoding 7/],
  ] as const)('fails cleanly on %s', async (_what, parts, message) => {
    const s = scripted();
    const ready = s.client.ready();
    ready.catch(() => undefined);
    await s.feed(...parts);
    expect(s.client.state).toBe('closed');
    const closed = s.events.at(-1);
    expect(closed?.type).toBe('closed');
    expect(closed && closed.type === 'closed' ? closed.error?.message : '').toMatch(message);
    await expect(s.client.snapshot(100)).rejects.toThrow();
  });
});
