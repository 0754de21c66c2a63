import { describe, expect, it } from 'vitest';
import { webCryptoAeadProvider, type Aead } from './aead.js';
import { concatBytes, fromHex, fromUtf8, toHex, utf8 } from './bytes.js';
import { FRAME_TYPE, LIMITS } from './constants.js';
import { TandemError } from './errors.js';
import { MAX_RECORD_PLAINTEXT, RecordOpener, RecordSealer, recordNonce, type OpenedFrame } from './record-layer.js';

const provider = webCryptoAeadProvider();
const keyA = new Uint8Array(32).fill(0xa1);
const keyB = new Uint8Array(32).fill(0xb2);
const ivA = fromHex('000102030405060708090a0b');
const ivB = fromHex('f0f1f2f3f4f5f6f7f8f9fafb');

async function pair(key = keyA, iv = ivA): Promise<{ sealer: RecordSealer; opener: RecordOpener; aead: Aead }> {
  const aead = await provider.importKey(key);
  return { sealer: new RecordSealer(aead, iv), opener: new RecordOpener(await provider.importKey(key), iv), aead };
}

async function rejection(promise: Promise<unknown>): Promise<TandemError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TandemError);
  return err as TandemError;
}

const data = (opened: OpenedFrame): string => {
  if (opened.kind !== 'data') throw new Error(`expected data, got ${opened.kind}`);
  return fromUtf8(opened.plaintext);
};

describe('record nonce (RFC 8446 §5.3)', () => {
  it('XORs the 64-bit big-endian record number into the last 8 bytes of the IV', () => {
    expect(toHex(recordNonce(ivA, 0n))).toBe('000102030405060708090a0b');
    expect(toHex(recordNonce(ivA, 1n))).toBe('000102030405060708090a0a');
    expect(toHex(recordNonce(ivA, 0x0102030405060708n))).toBe('00010203050705030d0f0d03');
    expect(toHex(recordNonce(ivA, (1n << 64n) - 1n))).toBe('00010203fbfaf9f8f7f6f5f4');
    expect(() => recordNonce(ivA, 1n << 64n)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT' }));
  });

  it('is what the sealer uses, with the frame-type byte as additional data', async () => {
    const { sealer, aead } = await pair();
    await sealer.seal(utf8('first'));
    const frame = await sealer.seal(utf8('second'));
    const expected = await aead.seal(recordNonce(ivA, 1n), utf8('second'), Uint8Array.of(FRAME_TYPE.record));
    expect(toHex(frame)).toBe(toHex(concatBytes(Uint8Array.of(FRAME_TYPE.record), expected)));
    const close = await sealer.sealClose();
    const expectedClose = await aead.seal(recordNonce(ivA, 2n), new Uint8Array(0), Uint8Array.of(FRAME_TYPE.close));
    expect(toHex(close)).toBe(toHex(concatBytes(Uint8Array.of(FRAME_TYPE.close), expectedClose)));
    expect(close).toHaveLength(17);
  });
});

describe('RecordSealer and RecordOpener', () => {
  it('carry records in order and end with an authenticated close', async () => {
    const { sealer, opener } = await pair();
    const frames = [await sealer.seal(utf8('one')), await sealer.seal(new Uint8Array(0)), await sealer.seal(utf8('three'))];
    const close = await sealer.sealClose();
    expect(sealer.closed).toBe(true);
    expect(data(await opener.open(frames[0]!))).toBe('one');
    expect(data(await opener.open(frames[1]!))).toBe('');
    expect(data(await opener.open(frames[2]!))).toBe('three');
    expect(opener.closed).toBe(false);
    expect(() => opener.end()).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_TRUNCATED' }));
    const fresh = await pair();
    for (const f of frames) await fresh.opener.open(f);
    expect(await fresh.opener.open(close)).toEqual({ kind: 'close' });
    expect(fresh.opener.closed).toBe(true);
    expect(() => fresh.opener.end()).not.toThrow();
  });

  it('takes record numbers at call time and settles in call order', async () => {
    // The first operation of each side is made the slowest, so that without ordering it would settle last.
    const slowFirst = (inner: Aead): Aead => {
      let calls = 0;
      const delay = <T>(p: Promise<T>, ms: number): Promise<T> => p.then((v) => new Promise<T>((resolve) => setTimeout(() => resolve(v), ms)));
      return {
        seal: (n, p, a) => delay(inner.seal(n, p, a), calls++ === 0 ? 50 : 0),
        open: (n, c, a) => delay(inner.open(n, c, a), calls++ === 0 ? 50 : 0),
      };
    };
    const sealer = new RecordSealer(slowFirst(await provider.importKey(keyA)), ivA);
    const opener = new RecordOpener(slowFirst(await provider.importKey(keyA)), ivA);
    const settledSeals: number[] = [];
    const sealing = ['a', 'b', 'c'].map((t, i) => sealer.seal(utf8(t)).then((f) => (settledSeals.push(i), f)));
    const closing = sealer.sealClose();
    const frames = await Promise.all([...sealing, closing]);
    expect(settledSeals).toEqual([0, 1, 2]);
    const settledOpens: number[] = [];
    const opened = await Promise.all(frames.map((f, i) => opener.open(f).then((r) => (settledOpens.push(i), r))));
    expect(settledOpens).toEqual([0, 1, 2, 3]);
    expect(opened.slice(0, 3).map(data)).toEqual(['a', 'b', 'c']);
    expect(opened[3]).toEqual({ kind: 'close' });
  });

  describe('tampering', () => {
    it('fails authentication for a flipped bit in every byte of a record, type byte included', async () => {
      const { sealer } = await pair();
      const frame = await sealer.seal(utf8('pay 100 to alice'));
      for (let i = 0; i < frame.length; i++) {
        const { opener } = await pair();
        const bad = frame.slice();
        bad[i] = (bad[i] as number) ^ (i === 0 ? 0x07 : 0x01);
        const err = await rejection(opener.open(bad));
        // The type byte turns 3 into 4 (a close frame of the wrong length): malformed; any other byte: forged.
        expect(err.code).toBe(i === 0 ? 'TANDEM_ERR_PROTOCOL' : 'TANDEM_ERR_RECORD_AUTH');
      }
    });

    it('binds the frame type: a record relabelled as close (and back) fails authentication', async () => {
      const { sealer } = await pair();
      const emptyRecord = await sealer.seal(new Uint8Array(0));
      const close = await sealer.sealClose();
      const relabelled = emptyRecord.slice();
      relabelled[0] = FRAME_TYPE.close;
      expect((await rejection((await pair()).opener.open(relabelled))).code).toBe('TANDEM_ERR_RECORD_AUTH');
      const opener = (await pair()).opener;
      await opener.open(emptyRecord);
      const closeAsRecord = close.slice();
      closeAsRecord[0] = FRAME_TYPE.record;
      expect((await rejection(opener.open(closeAsRecord))).code).toBe('TANDEM_ERR_RECORD_AUTH');
    });
  });

  it('rejects a replayed record', async () => {
    const { sealer, opener } = await pair();
    const first = await sealer.seal(utf8('once'));
    await opener.open(first);
    expect((await rejection(opener.open(first))).code).toBe('TANDEM_ERR_RECORD_AUTH');
  });

  it('rejects reordered records', async () => {
    const { sealer, opener } = await pair();
    const one = await sealer.seal(utf8('one'));
    const two = await sealer.seal(utf8('two'));
    expect((await rejection(opener.open(two))).code).toBe('TANDEM_ERR_RECORD_AUTH');
    // The opener is dead: even the right record now fails, with the same error.
    const again = await rejection(opener.open(one));
    expect(again.code).toBe('TANDEM_ERR_RECORD_AUTH');
  });

  describe('truncation', () => {
    it('rejects a close that follows a dropped last record', async () => {
      const { sealer, opener } = await pair();
      const kept = await sealer.seal(utf8('kept'));
      await sealer.seal(utf8('dropped by the relay'));
      const close = await sealer.sealClose();
      await opener.open(kept);
      expect((await rejection(opener.open(close))).code).toBe('TANDEM_ERR_RECORD_AUTH');
      expect(opener.closed).toBe(false);
      expect(() => opener.end()).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_RECORD_AUTH' }));
    });

    it('rejects a close frame sealed with a different key', async () => {
      const { sealer, opener } = await pair();
      const other = await pair(keyB);
      const record = await sealer.seal(utf8('hello'));
      await other.sealer.seal(utf8('align record numbers'));
      const foreignClose = await other.sealer.sealClose();
      await opener.open(record);
      expect((await rejection(opener.open(foreignClose))).code).toBe('TANDEM_ERR_RECORD_AUTH');
    });

    it('reports a stream that stops without a close as truncated', async () => {
      const { sealer, opener } = await pair();
      await opener.open(await sealer.seal(utf8('last words')));
      expect(() => opener.end()).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_TRUNCATED' }));
    });
  });

  it('rejects records of the other direction (other key, or same key with the other IV)', async () => {
    const t2c = await pair(keyA, ivA);
    const c2t = await pair(keyB, ivB);
    const fromCustomer = await c2t.sealer.seal(utf8('from the customer'));
    expect((await rejection(t2c.opener.open(fromCustomer))).code).toBe('TANDEM_ERR_RECORD_AUTH');
    const sameKeyOtherIv = new RecordSealer(await provider.importKey(keyA), ivB);
    const crossed = await sameKeyOtherIv.seal(utf8('x'));
    expect((await rejection((await pair(keyA, ivA)).opener.open(crossed))).code).toBe('TANDEM_ERR_RECORD_AUTH');
  });

  describe('after close', () => {
    it('the sealer seals nothing more', async () => {
      const { sealer } = await pair();
      await sealer.sealClose();
      expect((await rejection(sealer.seal(utf8('late')))).code).toBe('TANDEM_ERR_PROTOCOL');
      expect((await rejection(sealer.sealClose())).code).toBe('TANDEM_ERR_PROTOCOL');
    });

    it('the opener refuses any further frame, even an authentic one', async () => {
      const { sealer, opener } = await pair();
      const close = await sealer.sealClose();
      await opener.open(close);
      // A second sealer with the same key and IV produces a frame that would be authentic at record #1.
      const twin = new RecordSealer(await provider.importKey(keyA), ivA);
      await twin.seal(utf8('#0'));
      const authenticAtOne = await twin.seal(utf8('#1'));
      const err = await rejection(opener.open(authenticAtOne));
      expect(err.code).toBe('TANDEM_ERR_PROTOCOL');
      expect(await rejection(opener.open(close))).toBe(err);
    });
  });

  it('stays dead after a failure, failing every later frame with the same error', async () => {
    const { sealer, opener } = await pair();
    const good = await sealer.seal(utf8('good'));
    const bad = good.slice();
    bad[5] = (bad[5] as number) ^ 1;
    const first = await rejection(opener.open(bad));
    expect(await rejection(opener.open(good))).toBe(first);
    expect(() => opener.end()).toThrow(first);
  });

  it('fails in-flight opens issued after a failing one with the same error', async () => {
    const { sealer, opener } = await pair();
    const one = await sealer.seal(utf8('one'));
    const two = await sealer.seal(utf8('two'));
    const badOne = one.slice();
    badOne[4] = (badOne[4] as number) ^ 1;
    const [a, b] = await Promise.all([rejection(opener.open(badOne)), rejection(opener.open(two))]);
    expect(b).toBe(a);
  });

  // Found by fuzzing (packages/protocol/fuzz/record-layer.fuzz.ts): a malformed frame failed the
  // sequence at once, so an authentic frame opened just before it, still in flight, failed too.
  it('settles in-flight opens issued before a malformed frame as they are', async () => {
    const { sealer, opener } = await pair();
    const one = await sealer.seal(utf8('one'));
    const [a, b] = await Promise.allSettled([opener.open(one), opener.open(new Uint8Array(3))]);
    expect(a.status === 'fulfilled' && data(a.value)).toBe('one');
    expect(b.status === 'rejected' && (b.reason as TandemError).code).toBe('TANDEM_ERR_PROTOCOL');
  });

  it('settles an in-flight close as authenticated when a frame follows it at once', async () => {
    const { sealer, opener } = await pair();
    const close = await sealer.sealClose();
    const [a, b] = await Promise.allSettled([opener.open(close), opener.open(close)]);
    expect(a.status === 'fulfilled' && a.value.kind).toBe('close');
    expect(b.status === 'rejected' && (b.reason as TandemError).message).toMatch(/after the close frame/);
    expect(opener.closed).toBe(true);
    expect(() => opener.end()).not.toThrow();
  });

  describe('malformed frames (TANDEM_ERR_PROTOCOL)', () => {
    const cases: Array<[string, Uint8Array]> = [
      ['empty', new Uint8Array(0)],
      ['shorter than type byte and tag', new Uint8Array(16).fill(FRAME_TYPE.record)],
      ['a share frame type', concatBytes(Uint8Array.of(FRAME_TYPE.share), new Uint8Array(32))],
      ['an unknown frame type', concatBytes(Uint8Array.of(99), new Uint8Array(32))],
      ['a close frame with a body', concatBytes(Uint8Array.of(FRAME_TYPE.close), new Uint8Array(17))],
    ];
    for (const [name, frame] of cases) {
      it(name, async () => {
        const { opener } = await pair();
        expect((await rejection(opener.open(frame))).code).toBe('TANDEM_ERR_PROTOCOL');
      });
    }

    it('an oversized frame is TANDEM_ERR_MESSAGE_TOO_LARGE', async () => {
      const { opener } = await pair();
      const frame = new Uint8Array(LIMITS.maxFrameBytes + 1);
      frame[0] = FRAME_TYPE.record;
      expect((await rejection(opener.open(frame))).code).toBe('TANDEM_ERR_MESSAGE_TOO_LARGE');
    });
  });

  it('limits plaintext so that a frame fits LIMITS.maxFrameBytes', async () => {
    const { sealer, opener } = await pair();
    expect((await rejection(sealer.seal(new Uint8Array(MAX_RECORD_PLAINTEXT + 1)))).code).toBe('TANDEM_ERR_MESSAGE_TOO_LARGE');
    // The refused call used no record number: the next record is still #0.
    const largest = await sealer.seal(new Uint8Array(MAX_RECORD_PLAINTEXT).fill(0x5a));
    expect(largest).toHaveLength(LIMITS.maxFrameBytes);
    const opened = await opener.open(largest);
    expect(opened.kind === 'data' && opened.plaintext.length).toBe(MAX_RECORD_PLAINTEXT);
  });

  it('fails rather than wrap when record numbers run out at 2^64', async () => {
    const last = (1n << 64n) - 1n;
    const sealer = new RecordSealer(await provider.importKey(keyA), ivA, { firstRecordNumber: last });
    const opener = new RecordOpener(await provider.importKey(keyA), ivA, { firstRecordNumber: last });
    const frame = await sealer.seal(utf8('the very last record'));
    expect(data(await opener.open(frame))).toBe('the very last record');
    expect((await rejection(sealer.seal(utf8('one too many')))).code).toBe('TANDEM_ERR_PROTOCOL');
    expect((await rejection(sealer.sealClose())).code).toBe('TANDEM_ERR_PROTOCOL');
    // A frame sealed at record number 0 must not be accepted by a wrapped-around opener.
    const wrapped = await new RecordSealer(await provider.importKey(keyA), ivA).seal(utf8('wrapped'));
    expect((await rejection(opener.open(wrapped))).code).toBe('TANDEM_ERR_PROTOCOL');
  });

  it('rejects a bad IV or AEAD at construction', async () => {
    const aead = await provider.importKey(keyA);
    expect(() => new RecordSealer(aead, new Uint8Array(8))).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT' }));
    expect(() => new RecordOpener({} as Aead, ivA)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT' }));
  });
});
