import { describe, expect, it } from 'vitest';
import { webCryptoAeadProvider, type Aead } from './aead.js';
import { fromHex, toHex, utf8 } from './bytes.js';
import { TandemError } from './errors.js';
import { GCM_SPEC_CASES } from './aead-vectors.js';


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
