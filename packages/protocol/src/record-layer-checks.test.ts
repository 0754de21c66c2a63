// The record layer's input checks and what each failure says: every check
// refuses what it names (and only that), and each error carries the record
// number, frame kind or size a log reader needs. Written against the
// survivors of mutation testing (docs/security.md, "Mutation testing").
import { describe, expect, it } from 'vitest';
import { AEAD_TAG_BYTES, webCryptoAeadProvider, type Aead } from './aead.js';
import { concatBytes, fromHex, toHex, utf8 } from './bytes.js';
import { FRAME_TYPE, LIMITS } from './constants.js';
import { TandemError } from './errors.js';
import { MAX_RECORD_PLAINTEXT, RECORD_OVERHEAD, RecordOpener, RecordSealer, recordNonce } from './record-layer.js';

const provider = webCryptoAeadProvider();
const key = new Uint8Array(32).fill(0xa1);
const iv = fromHex('000102030405060708090a0b');

/** The reason `promise` rejected with; fails the test when it resolves. */
const reason = (promise: Promise<unknown>): Promise<TandemError> =>
  promise.then(
    (value) => expect.unreachable(`resolved with ${String(value)}`),
    (err: unknown) => (expect(err).toBeInstanceOf(TandemError), err as TandemError),
  );

const badInput = (message: RegExp): unknown => expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT', message: expect.stringMatching(message) as unknown });

/**
 * The real AEAD with its seal() calls counted; `fail` makes the first seal(),
 * or every open(), fail as a broken crypto backend would.
 */
function counted(inner: Aead, fail?: { seal?: TandemError; open?: TandemError }): Aead & { seals: number } {
  const aead = {
    seals: 0,
    seal: (n: Uint8Array, p: Uint8Array, a: Uint8Array) => {
      aead.seals++;
      return fail?.seal && aead.seals === 1 ? Promise.reject(fail.seal) : inner.seal(n, p, a);
    },
    open: (n: Uint8Array, c: Uint8Array, a: Uint8Array) => (fail?.open ? Promise.reject(fail.open) : inner.open(n, c, a)),
  };
  return aead;
}

describe('record layer sizes', () => {
  it('a frame adds the type byte and the 16-byte tag, so the largest plaintext fills LIMITS.maxFrameBytes', () => {
    expect(AEAD_TAG_BYTES).toBe(16);
    expect(RECORD_OVERHEAD).toBe(17);
    expect(MAX_RECORD_PLAINTEXT).toBe(LIMITS.maxFrameBytes - 17);
  });
});

describe('record layer input checks', () => {
  it('recordNonce refuses a wrong IV and a negative or 65-bit record number, naming each', () => {
    expect(() => recordNonce(new Uint8Array(8), 0n)).toThrow(badInput(/^iv: must be 12 bytes$/));
    expect(() => recordNonce(iv, -1n)).toThrow(badInput(/^recordNumber: must be a 64-bit unsigned integer$/));
    expect(() => recordNonce(iv, 1n << 64n)).toThrow(badInput(/^recordNumber: /));
  });

  it('refuses anything but an Aead with both seal and open functions', async () => {
    const real = await provider.importKey(key);
    const seal = real.seal.bind(real);
    const open = real.open.bind(real);
    const notAeads: unknown[] = [null, 'aead', { seal }, { open }, { seal: 1, open }, { seal, open: 'open' }];
    for (const aead of notAeads) {
      expect(() => new RecordSealer(aead as Aead, iv)).toThrow(badInput(/^aead: must be an Aead$/));
    }
    expect(() => new RecordSealer({ seal, open }, iv)).not.toThrow();
  });

  it('names the IV when it has the wrong length', async () => {
    const aead = await provider.importKey(key);
    expect(() => new RecordOpener(aead, new Uint8Array(11))).toThrow(badInput(/^iv: must be 12 bytes$/));
  });

  it('takes a first record number only as a bigint from 0 to 2^64 - 1', async () => {
    const aead = await provider.importKey(key);
    const refused: unknown[] = [-1n, 1n << 64n, 5];
    for (const first of refused) {
      expect(() => new RecordSealer(aead, iv, { firstRecordNumber: first as bigint })).toThrow(
        badInput(/^firstRecordNumber: must be a 64-bit unsigned integer$/),
      );
    }
    for (const first of [0n, (1n << 64n) - 1n]) expect(() => new RecordOpener(aead, iv, { firstRecordNumber: first })).not.toThrow();
  });

  it('keeps its own copy of the IV: changing the caller’s array afterwards changes no nonce', async () => {
    const aead = await provider.importKey(key);
    const callers = iv.slice();
    const sealer = new RecordSealer(aead, callers);
    callers.fill(0);
    const frame = await sealer.seal(utf8('x'));
    const expected = await aead.seal(recordNonce(iv, 0n), utf8('x'), Uint8Array.of(FRAME_TYPE.record));
    expect(toHex(frame)).toBe(toHex(concatBytes(Uint8Array.of(FRAME_TYPE.record), expected)));
  });

  it('names what is wrong with a plaintext', async () => {
    const sealer = new RecordSealer(await provider.importKey(key), iv);
    expect(await reason(sealer.seal('text' as unknown as Uint8Array))).toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT', message: 'plaintext: must be a Uint8Array' });
    const large = await reason(sealer.seal(new Uint8Array(MAX_RECORD_PLAINTEXT + 1)));
    expect(large.message).toBe(`record plaintext of ${MAX_RECORD_PLAINTEXT + 1} bytes exceeds ${MAX_RECORD_PLAINTEXT}`);
  });
});

describe('record layer failures', () => {
  it('says that record numbers ran out, and fails every later seal with that error', async () => {
    const sealer = new RecordSealer(await provider.importKey(key), iv, { firstRecordNumber: (1n << 64n) - 1n });
    await sealer.seal(utf8('last'));
    const exhausted = await reason(sealer.seal(utf8('one too many')));
    expect(exhausted.message).toMatch(/^record numbers exhausted \(2\^64 records\)/);
    expect(await reason(sealer.seal(utf8('again')))).toBe(exhausted);
  });

  it('seals nothing after a failed seal: the AEAD is not called again and every call fails with the first error', async () => {
    const broken = new TandemError('TANDEM_ERR_PROTOCOL', 'the crypto backend is gone');
    const aead = counted(await provider.importKey(key), { seal: broken });
    const sealer = new RecordSealer(aead, iv);
    expect(await reason(sealer.seal(utf8('first')))).toBe(broken);
    expect(await reason(sealer.seal(utf8('second')))).toBe(broken);
    expect(await reason(sealer.sealClose())).toBe(broken);
    expect(aead.seals).toBe(1);
  });

  it('says why nothing can follow the close', async () => {
    const sealer = new RecordSealer(await provider.importKey(key), iv);
    await sealer.sealClose();
    expect((await reason(sealer.seal(utf8('late')))).message).toMatch(/^the record stream is closed/);
  });

  it('names the record number and kind of a frame that fails authentication, with the AEAD’s error as cause', async () => {
    const sealer = new RecordSealer(await provider.importKey(key), iv);
    const otherKey = new RecordSealer(await provider.importKey(new Uint8Array(32).fill(0xb2)), iv);
    const record = await otherKey.seal(utf8('foreign'));
    const opener = new RecordOpener(await provider.importKey(key), iv);
    const err = await reason(opener.open(record));
    expect(err.code).toBe('TANDEM_ERR_RECORD_AUTH');
    expect(err.message).toMatch(/^record #0 failed authentication: tampered, replayed/);
    expect((err.cause as TandemError).code).toBe('TANDEM_ERR_RECORD_AUTH');

    await sealer.seal(utf8('skipped'));
    const close = await sealer.sealClose();
    const closeErr = await reason(new RecordOpener(await provider.importKey(key), iv).open(close));
    expect(closeErr.message).toMatch(/^close frame #0 failed authentication/);
  });

  it('passes on an AEAD failure other than authentication as it is', async () => {
    const broken = new TandemError('TANDEM_ERR_PROTOCOL', 'the crypto backend is gone');
    const sealer = new RecordSealer(await provider.importKey(key), iv);
    const opener = new RecordOpener(counted(await provider.importKey(key), { open: broken }), iv);
    expect(await reason(opener.open(await sealer.seal(utf8('x'))))).toBe(broken);
  });

  it('says that a stream ended without its close', async () => {
    const opener = new RecordOpener(await provider.importKey(key), iv);
    expect(() => opener.end()).toThrow('the encrypted stream ended without its authenticated close');
  });
});

describe('record layer malformed frames', () => {
  const cases: Array<[string, unknown, string]> = [
    ['text instead of bytes', 'x'.repeat(40), 'frame: must be binary'],
    ['a short frame', new Uint8Array(16).fill(FRAME_TYPE.record), "frame of 16 bytes is shorter than a record's 17"],
    ['a close frame with a body', concatBytes(Uint8Array.of(FRAME_TYPE.close), new Uint8Array(17)), 'close frame must be 17 bytes, got 18'],
    ['an unknown type', concatBytes(Uint8Array.of(99), new Uint8Array(32)), 'frame type 99 is not a record or close frame'],
    ['an oversized frame', new Uint8Array(LIMITS.maxFrameBytes + 1).fill(FRAME_TYPE.record), `frame of ${LIMITS.maxFrameBytes + 1} bytes exceeds ${LIMITS.maxFrameBytes}`],
  ];
  for (const [name, frame, message] of cases) {
    it(`says what is wrong with ${name}`, async () => {
      const opener = new RecordOpener(await provider.importKey(key), iv);
      expect((await reason(opener.open(frame as Uint8Array))).message).toBe(message);
    });
  }
});
