import { describe, expect, it } from 'vitest';
import { utf8 } from './bytes.js';
import { TandemError } from './errors.js';
import { decodeChatMessage, decodeControlMessage, encodeSessionMessage } from './session-messages.js';

describe('control messages', () => {
  it('round-trips every message type', () => {
    const messages = [
      { type: 'request', mode: 'control' },
      { type: 'consent', accepted: true, mode: 'view', customer: { name: 'A', customerNumber: '1', caseNumber: '2' } },
      { type: 'consent', accepted: false },
      { type: 'decision', mode: 'control', accepted: false },
      { type: 'mode', mode: 'chat' },
      { type: 'end', reason: 'customer-ended' },
    ] as const;
    for (const m of messages) expect(decodeControlMessage(encodeSessionMessage(m))).toEqual(m);
  });

  it.each([
    ['invalid UTF-8', Uint8Array.of(0xff, 0xfe), /UTF-8 JSON/],
    ['an unknown type', utf8('{"type":"exec"}'), /unknown message type/],
    ['a bad mode', utf8('{"type":"mode","mode":"god"}'), /control.mode/],
    ['consent without customer', utf8('{"type":"consent","accepted":true,"mode":"chat"}'), /control.customer/],
    ['an oversized message', new Uint8Array(20_000).fill(0x20), /at most/],
  ])('refuses %s', (_what, bytes, message) => {
    expect(() => decodeControlMessage(bytes)).toThrow(TandemError);
    expect(() => decodeControlMessage(bytes)).toThrow(message);
  });
});

describe('chat messages', () => {
  it('round-trips text', () => {
    expect(decodeChatMessage(encodeSessionMessage({ type: 'chat', text: 'こんにちは' }))).toEqual({ type: 'chat', text: 'こんにちは' });
  });

  it('refuses empty and over-long text', () => {
    expect(() => decodeChatMessage(utf8('{"type":"chat","text":""}'))).toThrow(/chat.text/);
    expect(() => decodeChatMessage(encodeSessionMessage({ type: 'chat', text: 'x'.repeat(5000) }))).toThrow(/chat.text/);
  });
});
