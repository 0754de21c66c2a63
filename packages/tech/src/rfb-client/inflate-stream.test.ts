import { constants, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PersistentInflate } from './inflate-stream.js';

describe('PersistentInflate', () => {
  it('inflates a stream piece by piece within each limit', async () => {
    const stream = new PersistentInflate();
    const z = deflateSync(Buffer.from('hello, world'), { flush: constants.Z_SYNC_FLUSH });
    expect((await stream.inflate(z.subarray(0, 5), 100)).length).toBeLessThanOrEqual(100);
    const rest = await stream.inflate(z.subarray(5), 100);
    expect(rest.toString()).toContain('world');
    stream.close();
  });

  // Found by fuzzing (packages/agent/fuzz/inflate-stream.fuzz.ts): past its limit the stream went on
  // inflating and buffering everything, so a small rectangle of a zlib bomb cost memory by its inflated size.
  it('stops inflating a zlib bomb at its limit instead of buffering all of it', async () => {
    // The source stays referenced until the end, so that its collection does not hide what the stream holds.
    const zeros = new Uint8Array(64 << 20);
    const bomb = deflateSync(zeros, { flush: constants.Z_SYNC_FLUSH });
    expect(bomb.length).toBeLessThan(128 * 1024);
    const stream = new PersistentInflate();
    const before = process.memoryUsage().arrayBuffers;
    let grown = 0;
    const result = stream.inflate(bomb, 4096).finally(() => {
      grown = process.memoryUsage().arrayBuffers - before;
    });
    await expect(result).rejects.toMatchObject({ code: 'TANDEM_ERR_PROTOCOL', message: expect.stringMatching(/inflates past 4096 bytes/) });
    expect(grown).toBeLessThan(8 << 20);
    expect(zeros.length).toBe(64 << 20);
    await expect(stream.inflate(Uint8Array.of(0), 4096)).rejects.toMatchObject({ code: 'TANDEM_ERR_PROTOCOL' });
    stream.close();
  });
});
