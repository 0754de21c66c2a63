import { describe, expect, it } from 'vitest';
import {
  fromHex,
  GCM_SPEC_CASES,
  RecordOpener,
  RecordSealer,
  TandemError,
  toHex,
  utf8,
  webCryptoAeadProvider,
  type AeadProvider,
} from '@tandem/protocol';
import { nodeAeadProvider } from './node-aead.js';


async function expectAuthFailure(promise: Promise<unknown>): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TandemError);
  expect((err as TandemError).code).toBe('TANDEM_ERR_RECORD_AUTH');
}

describe('nodeAeadProvider (node:crypto AES-256-GCM)', () => {
  const node = nodeAeadProvider();
  const web = webCryptoAeadProvider();

  for (const c of GCM_SPEC_CASES) {
    it(`seals and opens GCM spec ${c.name}`, async () => {
      const aead = await node.importKey(fromHex(c.key));
      const sealed = await aead.seal(fromHex(c.iv), fromHex(c.pt), fromHex(c.aad));
      expect(sealed).toBeInstanceOf(Uint8Array);
      expect(toHex(sealed)).toBe(c.ct + c.tag);
      expect(toHex(await aead.open(fromHex(c.iv), fromHex(c.ct + c.tag), fromHex(c.aad)))).toBe(c.pt);
    });
  }

  const pairs: Array<[string, AeadProvider, AeadProvider]> = [
    ['node seals, WebCrypto opens', node, web],
    ['WebCrypto seals, node opens', web, node],
  ];
  for (const [name, sealing, opening] of pairs) {
    it(`interoperates: ${name}`, async () => {
      const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
      const nonce = Uint8Array.from({ length: 12 }, (_, i) => 255 - i);
      const aad = Uint8Array.of(3);
      for (const size of [0, 1, 15, 16, 17, 1000]) {
        const plaintext = Uint8Array.from({ length: size }, (_, i) => (i * 31) & 0xff);
        const sealed = await (await sealing.importKey(key)).seal(nonce, plaintext, aad);
        expect(toHex(await (await opening.importKey(key)).open(nonce, sealed, aad))).toBe(toHex(plaintext));
      }
    });
  }

  it('interoperates through the record layer', async () => {
    const key = new Uint8Array(32).fill(9);
    const iv = new Uint8Array(12).fill(3);
    const sealer = new RecordSealer(await node.importKey(key), iv);
    const opener = new RecordOpener(await web.importKey(key), iv);
    const frames = await Promise.all([sealer.seal(utf8('hello')), sealer.seal(utf8('world')), sealer.sealClose()]);
    const opened = await Promise.all(frames.map((f) => opener.open(f)));
    expect(opened.map((o) => (o.kind === 'data' ? new TextDecoder().decode(o.plaintext) : o.kind))).toEqual(['hello', 'world', 'close']);
  });

  describe('rejects with TANDEM_ERR_RECORD_AUTH', () => {
    const nonce = fromHex('00112233445566778899aabb');
    const aad = Uint8Array.of(3);

    it('a flipped bit anywhere in ciphertext or tag', async () => {
      const aead = await node.importKey(new Uint8Array(32).fill(7));
      const sealed = await aead.seal(nonce, utf8('hello, tandem'), aad);
      for (let i = 0; i < sealed.length; i++) {
        const bad = sealed.slice();
        bad[i] = (bad[i] as number) ^ 0x01;
        await expectAuthFailure(aead.open(nonce, bad, aad));
      }
    });

    it('a wrong aad, a wrong nonce, a wrong key, a short input', async () => {
      const aead = await node.importKey(new Uint8Array(32).fill(7));
      const sealed = await aead.seal(nonce, utf8('hello, tandem'), aad);
      await expectAuthFailure(aead.open(nonce, sealed, Uint8Array.of(4)));
      await expectAuthFailure(aead.open(fromHex('00112233445566778899aaba'), sealed, aad));
      await expectAuthFailure((await node.importKey(new Uint8Array(32).fill(8))).open(nonce, sealed, aad));
      await expectAuthFailure(aead.open(nonce, sealed.subarray(0, sealed.length - 1), aad));
      await expectAuthFailure(aead.open(nonce, new Uint8Array(15), aad));
    });
  });

  it('rejects bad arguments with TANDEM_ERR_BAD_INPUT', async () => {
    await expect(node.importKey(new Uint8Array(16))).rejects.toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT' });
    const aead = await node.importKey(new Uint8Array(32));
    await expect(aead.seal(new Uint8Array(16), new Uint8Array(1), new Uint8Array())).rejects.toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT' });
  });
});
