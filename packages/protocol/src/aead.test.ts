import { describe, expect, it } from 'vitest';
import { webCryptoAeadProvider, type Aead } from './aead.js';
import { fromHex, toHex, utf8 } from './bytes.js';
import { TandemError } from './errors.js';

/**
 * AES-256 test cases 14, 15 and 16 of McGrew and Viega, "The Galois/Counter
 * Mode of Operation (GCM)" (the GCM specification submitted to NIST), as
 * reproduced by many crypto libraries' test suites.
 */
const GCM_SPEC_CASES = [
  {
    name: 'test case 14 (zero key, one zero block)',
    key: '0000000000000000000000000000000000000000000000000000000000000000',
    iv: '000000000000000000000000',
    pt: '00000000000000000000000000000000',
    aad: '',
    ct: 'cea7403d4d606b6e074ec5d3baf39d18',
    tag: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  {
    name: 'test case 15 (64 bytes, no AAD)',
    key: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308',
    iv: 'cafebabefacedbaddecaf888',
    pt:
      'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
      '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255',
    aad: '',
    ct:
      '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
      '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad',
    tag: 'b094dac5d93471bdec1a502270e3cc6c',
  },
  {
    name: 'test case 16 (60 bytes, 20 bytes of AAD)',
    key: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308',
    iv: 'cafebabefacedbaddecaf888',
    pt:
      'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
      '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    ct:
      '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
      '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
] as const;

async function expectAuthFailure(promise: Promise<unknown>): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TandemError);
  expect((err as TandemError).code).toBe('TANDEM_ERR_RECORD_AUTH');
}

describe('webCryptoAeadProvider (AES-256-GCM)', () => {
  const provider = webCryptoAeadProvider();

  for (const c of GCM_SPEC_CASES) {
    it(`seals and opens GCM spec ${c.name}`, async () => {
      const aead = await provider.importKey(fromHex(c.key));
      const sealed = await aead.seal(fromHex(c.iv), fromHex(c.pt), fromHex(c.aad));
      expect(toHex(sealed)).toBe(c.ct + c.tag);
      expect(toHex(await aead.open(fromHex(c.iv), fromHex(c.ct + c.tag), fromHex(c.aad)))).toBe(c.pt);
    });
  }

  describe('rejects with TANDEM_ERR_RECORD_AUTH', () => {
    const nonce = fromHex('00112233445566778899aabb');
    const aad = Uint8Array.of(3);
    const setup = async (): Promise<{ aead: Aead; sealed: Uint8Array }> => {
      const aead = await provider.importKey(new Uint8Array(32).fill(7));
      return { aead, sealed: await aead.seal(nonce, utf8('hello, tandem'), aad) };
    };

    it('a flipped bit anywhere in ciphertext or tag', async () => {
      const { aead, sealed } = await setup();
      for (let i = 0; i < sealed.length; i++) {
        const bad = sealed.slice();
        bad[i] = (bad[i] as number) ^ 0x01;
        await expectAuthFailure(aead.open(nonce, bad, aad));
      }
    });

    it('a wrong aad, a wrong nonce, a wrong key, a truncated tag', async () => {
      const { aead, sealed } = await setup();
      await expectAuthFailure(aead.open(nonce, sealed, Uint8Array.of(4)));
      await expectAuthFailure(aead.open(fromHex('00112233445566778899aaba'), sealed, aad));
      const other = await provider.importKey(new Uint8Array(32).fill(8));
      await expectAuthFailure(other.open(nonce, sealed, aad));
      await expectAuthFailure(aead.open(nonce, sealed.subarray(0, sealed.length - 1), aad));
      await expectAuthFailure(aead.open(nonce, new Uint8Array(15), aad));
    });
  });

  it('rejects bad arguments with TANDEM_ERR_BAD_INPUT', async () => {
    await expect(provider.importKey(new Uint8Array(16))).rejects.toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT' });
    const aead = await provider.importKey(new Uint8Array(32));
    await expect(aead.seal(new Uint8Array(8), new Uint8Array(1), new Uint8Array())).rejects.toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT' });
  });
});
