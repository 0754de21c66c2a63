import { describe, it, expect } from 'vitest';
import { TandemError } from '@tandem/protocol';
import { ByteQueue } from './byte-queue.js';
import { encodeClientMessage, parseClientMessage, type ClientMessage } from './client-messages.js';
import { NATIVE_FORMAT } from './pixel-format.js';

const ALL: ClientMessage[] = [
  { type: 'SetPixelFormat', format: { ...NATIVE_FORMAT, bitsPerPixel: 16, depth: 16, redMax: 31, greenMax: 63, blueMax: 31, redShift: 11, greenShift: 5, blueShift: 0 } },
  { type: 'SetEncodings', encodings: [16, 7, 0, -239, -223, -308, -224, -250, -26] },
  { type: 'FramebufferUpdateRequest', incremental: true, x: 1, y: 2, w: 300, h: 400 },
  { type: 'KeyEvent', down: true, keysym: 0xffe1 },
  { type: 'PointerEvent', buttonMask: 0x18, x: 1023, y: 767 },
  { type: 'ClientCutText', text: 'héllo' },
  { type: 'SetDesktopSize', width: 800, height: 600, screens: [{ id: 1, x: 0, y: 0, w: 800, h: 600, flags: 0 }] },
];

describe('parseClientMessage', () => {
  it('round-trips every message, fed one byte at a time ("need more" is a return value)', () => {
    const q = new ByteQueue();
    const wire = Buffer.concat(ALL.map(encodeClientMessage));
    const got: ClientMessage[] = [];
    for (const byte of wire) {
      q.push(Uint8Array.of(byte));
      const r = parseClientMessage(q);
      if (r) got.push(r.message);
    }
    expect(got).toEqual(ALL);
    expect(q.length).toBe(0);
  });

  it('rejects unknown and malformed messages with TANDEM_ERR_PROTOCOL', () => {
    const cases: [number[], RegExp][] = [
      [[9], /unknown client message type 9/],
      [[4, 2, 0, 0, 0, 0, 0, 0x61], /down-flag 2/],
      [[6, 0, 0, 0, 0xff, 0xff, 0xff, 0xfe], /extended-clipboard/],
      [[6, 0, 0, 0, 0x7f, 0, 0, 0], /more than/],
      [[2, 0, 0xff, 0xff], /65535 encodings/],
      [[0, 0, 0, 0, 24, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0], /bits-per-pixel 24/],
      [[0, 0, 0, 0, 8, 8, 0, 0, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0], /colour-map/],
      [[251, 0, 3, 32, 2, 88, 0, 0], /no screens/],
    ];
    for (const [bytes, re] of cases) {
      const q = new ByteQueue();
      q.push(Uint8Array.from(bytes));
      let err: unknown;
      try { parseClientMessage(q); } catch (e) { err = e; }
      expect(err, `bytes ${bytes.join(",")}`).toBeInstanceOf(TandemError);
      expect((err as TandemError).code).toBe('TANDEM_ERR_PROTOCOL');
      expect((err as TandemError).message).toMatch(re);
    }
  });
});
