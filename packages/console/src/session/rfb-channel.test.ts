import { describe, it, expect } from 'vitest';
import { RfbChannel, type RfbCloseEvent, type RfbMessageEvent } from './rfb-channel.js';

/** The members noVNC's Websock.attach() requires (core/websock.js rawChannelProps). */
const NOVNC_MEMBERS = ['send', 'close', 'binaryType', 'onerror', 'onmessage', 'onopen', 'protocol', 'readyState'];

function bytesOf(event: RfbMessageEvent): number[] {
  return [...new Uint8Array(event.data)];
}

describe('RfbChannel', () => {
  it('has every member noVNC checks as an own property', () => {
    const channel = new RfbChannel({ send: () => undefined });
    for (const name of NOVNC_MEMBERS) expect(Object.keys(channel), name).toContain(name);
  });

  it('keeps server bytes until opened, then delivers them in order as exact ArrayBuffers', () => {
    const channel = new RfbChannel({ send: () => undefined });
    const got: number[][] = [];
    const big = new Uint8Array([9, 9, 1, 2, 3, 9]);
    channel.push(big.subarray(2, 5));
    channel.push(Uint8Array.of(4));
    channel.onmessage = (e) => got.push(bytesOf(e));
    expect(got).toEqual([]);
    let opened = 0;
    channel.onopen = () => opened++;
    channel.open();
    expect(channel.readyState).toBe('open');
    expect(opened).toBe(1);
    channel.push(Uint8Array.of(5, 6));
    expect(got).toEqual([[1, 2, 3], [4], [5, 6]]);
    expect(channel.received).toBe(6);
  });

  it('copies what noVNC sends, since noVNC reuses its send buffer', () => {
    const sent: Uint8Array[] = [];
    const channel = new RfbChannel({ send: (b) => sent.push(b) });
    const reused = new Uint8Array(8);
    channel.send(reused.subarray(0, 2));
    expect(sent).toEqual([]);
    channel.open();
    reused.set([1, 2]);
    channel.send(new Uint8Array(reused.buffer, 0, 2));
    reused.set([7, 7, 7]);
    channel.send(new Uint8Array(reused.buffer, 0, 3));
    expect(sent.map((b) => [...b])).toEqual([[1, 2], [7, 7, 7]]);
    expect(channel.sent).toBe(5);
  });

  it('reports the end of the stream once, asynchronously, and drops later bytes', async () => {
    let closedByViewer = 0;
    const sent: Uint8Array[] = [];
    const channel = new RfbChannel({ send: (b) => sent.push(b), closed: () => closedByViewer++ });
    const closes: RfbCloseEvent[] = [];
    const got: number[][] = [];
    channel.onclose = (e) => closes.push(e);
    channel.onmessage = (e) => got.push(bytesOf(e));
    channel.open();
    channel.end('mode chat');
    expect(channel.readyState).toBe('closed');
    expect(closes).toEqual([]);
    await Promise.resolve();
    expect(closes).toEqual([{ code: 1000, reason: 'mode chat', wasClean: true }]);
    channel.push(Uint8Array.of(1));
    channel.send(Uint8Array.of(1));
    channel.close();
    channel.end();
    await Promise.resolve();
    expect(closes).toHaveLength(1);
    expect(got).toEqual([]);
    expect(sent).toEqual([]);
    expect(closedByViewer).toBe(0);
  });

  it('tells its owner when the viewer closes it', async () => {
    let closedByViewer = 0;
    const channel = new RfbChannel({ send: () => undefined, closed: () => closedByViewer++ });
    const closes: RfbCloseEvent[] = [];
    channel.onclose = (e) => closes.push(e);
    channel.open();
    channel.close();
    channel.close();
    await Promise.resolve();
    expect(closedByViewer).toBe(1);
    expect(closes).toHaveLength(1);
  });
});
