import { describe, it, expect } from 'vitest';
import { createInflate, constants } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { PersistentDeflate } from './zlib-stream.js';

/** Inflates chunks through one persistent inflater, as an RFB client does. */
function persistentInflater(): (chunk: Buffer) => Promise<Buffer> {
  const inf = createInflate();
  const got: Buffer[] = [];
  inf.on('data', (c: Buffer) => got.push(c));
  return (chunk) => new Promise((resolve) => {
    inf.write(chunk);
    inf.flush(constants.Z_SYNC_FLUSH, () => { const out = Buffer.concat(got); got.length = 0; resolve(out); });
  });
}

describe('PersistentDeflate', () => {
  it('keeps one stream across updates, each decodable on arrival', async () => {
    const d = new PersistentDeflate(6);
    const inflate = persistentInflater();
    const a = Buffer.from(randomBytes(1500).toString('hex'));
    const b = randomBytes(20_000);
    const c = Buffer.from(a);
    const ca = await d.compress([a]);
    const cb = await d.compress([b.subarray(0, 7_000), b.subarray(7_000)], 1);
    const cc = await d.compress([c]);
    // The third update repeats the first (still inside the 32 KiB window): a persistent stream back-references it.
    expect(cc.length).toBeLessThan(ca.length / 10);
    expect(await inflate(ca)).toEqual(a);
    expect(await inflate(cb)).toEqual(b);
    expect(await inflate(cc)).toEqual(c);
    d.close();
  });
});
