/**
 * AES-256-GCM through node:crypto, the agent's implementation of the
 * protocol's {@link AeadProvider} interface. It produces the same bytes as
 * the browser's WebCrypto provider: ciphertext || 16-byte tag.
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import {
  AEAD_KEY_BYTES,
  AEAD_TAG_BYTES,
  aeadAuthError,
  assertBytes,
  checkOpenArgs,
  checkSealArgs,
  toTandemError,
  type Aead,
  type AeadProvider,
} from '@tandem/protocol';

const ALGORITHM = 'aes-256-gcm';

/** An {@link AeadProvider} backed by node:crypto (OpenSSL). */
export function nodeAeadProvider(): AeadProvider {
  return {
    name: 'node',
    async importKey(key: Uint8Array): Promise<Aead> {
      assertBytes(key, 'key', AEAD_KEY_BYTES);
      return new NodeAead(createSecretKey(key));
    },
  };
}

class NodeAead implements Aead {
  readonly #key: KeyObject;

  constructor(key: KeyObject) {
    this.#key = key;
  }

  async seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
    checkSealArgs(nonce, plaintext, aad);
    try {
      const cipher = createCipheriv(ALGORITHM, this.#key, nonce, { authTagLength: AEAD_TAG_BYTES });
      cipher.setAAD(aad);
      const head = cipher.update(plaintext);
      const tail = cipher.final();
      const tag = cipher.getAuthTag();
      const out = new Uint8Array(head.length + tail.length + tag.length);
      out.set(head, 0);
      out.set(tail, head.length);
      out.set(tag, head.length + tail.length);
      return out;
    } catch (err) {
      throw toTandemError(err);
    }
  }

  async open(nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
    checkOpenArgs(nonce, ciphertext, aad);
    const split = ciphertext.length - AEAD_TAG_BYTES;
    try {
      const decipher = createDecipheriv(ALGORITHM, this.#key, nonce, { authTagLength: AEAD_TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(ciphertext.subarray(split));
      const head = decipher.update(ciphertext.subarray(0, split));
      // final() verifies the tag and throws "Unsupported state or unable to authenticate data" on mismatch.
      const tail = decipher.final();
      const out = new Uint8Array(head.length + tail.length);
      out.set(head, 0);
      out.set(tail, head.length);
      return out;
    } catch (err) {
      throw aeadAuthError(err);
    }
  }
}
