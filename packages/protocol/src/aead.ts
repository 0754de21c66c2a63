/**
 * AES-256-GCM behind one interface, so that the record layer runs on
 * WebCrypto in the browser and on node:crypto in the agent
 * (`@tandem/agent`'s `nodeAeadProvider`). Both produce ciphertext || 16-byte
 * tag (NIST SP 800-38D with a 96-bit IV and 128-bit tag).
 */
import { assertBytes } from './assert.js';
import { TandemError, toTandemError } from './errors.js';

/** AES-256 key length, bytes. */
export const AEAD_KEY_BYTES = 32;
/** GCM nonce (IV) length, bytes: 96 bits, the length SP 800-38D recommends. */
export const AEAD_NONCE_BYTES = 12;
/** GCM tag length, bytes, appended to every ciphertext. */
export const AEAD_TAG_BYTES = 16;

/** One key's seal and open operations. */
export interface Aead {
  /** Encrypts and authenticates; returns ciphertext || tag. */
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  /**
   * Authenticates and decrypts ciphertext || tag.
   * @throws TandemError `TANDEM_ERR_RECORD_AUTH` when authentication fails.
   */
  open(nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
}

/** Makes {@link Aead}s from raw 32-byte keys. */
export interface AeadProvider {
  /** Short name for diagnostics, e.g. "webcrypto" or "node". */
  readonly name: string;
  /** Imports a 32-byte AES-256-GCM key. */
  importKey(key: Uint8Array): Promise<Aead>;
}

/** Validates seal() arguments; shared by every provider so that they fail alike. */
export function checkSealArgs(nonce: unknown, plaintext: unknown, aad: unknown): void {
  assertBytes(nonce, 'nonce', AEAD_NONCE_BYTES);
  assertBytes(plaintext, 'plaintext');
  assertBytes(aad, 'aad');
}

/**
 * Validates open() arguments; shared by every provider. A ciphertext shorter
 * than a tag cannot be authentic, so it fails as an authentication failure.
 */
export function checkOpenArgs(nonce: unknown, ciphertext: unknown, aad: unknown): void {
  assertBytes(nonce, 'nonce', AEAD_NONCE_BYTES);
  assertBytes(ciphertext, 'ciphertext');
  assertBytes(aad, 'aad');
  if (ciphertext.length < AEAD_TAG_BYTES) throw aeadAuthError();
}

/** The error every provider throws when open() fails authentication. */
export function aeadAuthError(cause?: unknown): TandemError {
  return new TandemError('TANDEM_ERR_RECORD_AUTH', 'AES-256-GCM authentication failed', cause === undefined ? undefined : { cause });
}

/**
 * AES-256-GCM through WebCrypto (browsers, and Node's `globalThis.crypto`).
 * @param subtle the SubtleCrypto to use; defaults to `globalThis.crypto.subtle`,
 *   which browsers only offer in secure contexts (HTTPS or localhost).
 */
export function webCryptoAeadProvider(subtle?: SubtleCrypto): AeadProvider {
  const api = subtle ?? globalThis.crypto?.subtle;
  if (api === undefined) {
    throw new TandemError('TANDEM_ERR_INTERNAL', 'WebCrypto (crypto.subtle) is not available: the page must be served over HTTPS or from localhost');
  }
  return {
    name: 'webcrypto',
    async importKey(key: Uint8Array): Promise<Aead> {
      assertBytes(key, 'key', AEAD_KEY_BYTES);
      const cryptoKey = await api.importKey('raw', arrayBacked(key), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
      return new WebCryptoAead(api, cryptoKey);
    },
  };
}

class WebCryptoAead implements Aead {
  readonly #subtle: SubtleCrypto;
  readonly #key: CryptoKey;

  constructor(subtle: SubtleCrypto, key: CryptoKey) {
    this.#subtle = subtle;
    this.#key = key;
  }

  async seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
    checkSealArgs(nonce, plaintext, aad);
    try {
      const out = await this.#subtle.encrypt(this.#params(nonce, aad), this.#key, arrayBacked(plaintext));
      return new Uint8Array(out);
    } catch (err) {
      throw toTandemError(err);
    }
  }

  async open(nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
    checkOpenArgs(nonce, ciphertext, aad);
    try {
      const out = await this.#subtle.decrypt(this.#params(nonce, aad), this.#key, arrayBacked(ciphertext));
      return new Uint8Array(out);
    } catch (err) {
      // WebCrypto reports a bad tag as an OperationError and says nothing more.
      throw aeadAuthError(err);
    }
  }

  #params(nonce: Uint8Array, aad: Uint8Array): AesGcmParams {
    return { name: 'AES-GCM', iv: arrayBacked(nonce), additionalData: arrayBacked(aad), tagLength: AEAD_TAG_BYTES * 8 };
  }
}

/**
 * WebCrypto's BufferSource wants bytes backed by a plain ArrayBuffer (not a
 * SharedArrayBuffer); copy only when `bytes` is not already.
 */
function arrayBacked(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
