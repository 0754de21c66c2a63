/**
 * From CPace's intermediate session key to everything the session uses:
 * per-direction AEAD keys and IVs, one key-confirmation key per side and the
 * short authentication string. CPace's ISK is not used directly
 * (draft-irtf-cfrg-cpace-21 §10.3 recommends a KDF such as HKDF, RFC 5869).
 *
 * HKDF-SHA512: PRK = Extract(salt = SHA-512(transcript), IKM = ISK), then one
 * Expand per output with a distinct label, so no two outputs share bytes.
 * Key confirmation (§10.4) is HMAC-SHA512 over the transcript, with a
 * different key for each side so that a reflected tag never verifies.
 */
import { expand as hkdfExpand, extract as hkdfExtract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { assertBytes } from './assert.js';
import { equalBytes, utf8 } from './bytes.js';
import { PROTOCOL_LABEL } from './constants.js';
import { AEAD_KEY_BYTES, AEAD_NONCE_BYTES } from './aead.js';

/** Length of the ISK the key schedule takes (CPace with SHA-512). */
export const ISK_BYTES = 64;
/** Length of a confirmation key and of a confirmation tag (HMAC-SHA512). */
export const CONFIRM_BYTES = 64;
/** Digits of the short authentication string. */
export const SAS_DIGITS = 6;

/** Key and IV of one direction of the record layer. */
export interface DirectionKeys {
  /** AES-256-GCM key, 32 bytes. */
  key: Uint8Array;
  /** Per-direction IV, 12 bytes; XORed with the record counter (RFC 8446 §5.3). */
  iv: Uint8Array;
}

/** Everything derived from one handshake. */
export interface SessionKeys {
  technicianToCustomer: DirectionKeys;
  customerToTechnician: DirectionKeys;
  /** The technician's confirmation key: it MACs the transcript with it, the customer verifies. */
  confirmTechnician: Uint8Array;
  /** The customer's confirmation key. */
  confirmCustomer: Uint8Array;
  /** Short authentication string, six decimal digits shown as "123 456". */
  sas: string;
}

/** Bytes needed for the SAS: 64 bits reduced mod 10^6 leave a bias below 2^-44. */
const SAS_SOURCE_BYTES = 8;

/**
 * Derives the session's keys from CPace's ISK and the handshake transcript
 * (the bytes both sides agree on, at least CPace's transcript_ir).
 */
export function deriveSessionKeys(isk: Uint8Array, transcript: Uint8Array): SessionKeys {
  assertBytes(isk, 'isk', ISK_BYTES);
  assertBytes(transcript, 'transcript');
  const prk = hkdfExtract(sha512, isk, sha512(transcript));
  // Each label names one output; `PROTOCOL_LABEL` makes a later protocol version derive unrelated keys.
  const expand = (label: string, length: number): Uint8Array => hkdfExpand(sha512, prk, utf8(`${PROTOCOL_LABEL} ${label}`), length);
  const sasBytes = expand('sas', SAS_SOURCE_BYTES);
  return {
    technicianToCustomer: { key: expand('t2c key', AEAD_KEY_BYTES), iv: expand('t2c iv', AEAD_NONCE_BYTES) },
    customerToTechnician: { key: expand('c2t key', AEAD_KEY_BYTES), iv: expand('c2t iv', AEAD_NONCE_BYTES) },
    confirmTechnician: expand('confirm technician', CONFIRM_BYTES),
    confirmCustomer: expand('confirm customer', CONFIRM_BYTES),
    sas: formatSas(sasBytes),
  };
}

/** The key-confirmation tag: HMAC-SHA512(confirmKey, transcript), 64 bytes. */
export function confirmationTag(confirmKey: Uint8Array, transcript: Uint8Array): Uint8Array {
  assertBytes(confirmKey, 'confirmKey', CONFIRM_BYTES);
  assertBytes(transcript, 'transcript');
  return hmac(sha512, confirmKey, transcript);
}

/** True when `tag` is the confirmation tag of `transcript` under `confirmKey`; compares in constant time. */
export function verifyConfirmationTag(confirmKey: Uint8Array, transcript: Uint8Array, tag: Uint8Array): boolean {
  assertBytes(tag, 'tag');
  const expected = confirmationTag(confirmKey, transcript);
  return equalBytes(expected, tag);
}

/** 64 big-endian bits mod 10^6, zero-padded to six digits, split "123 456". */
function formatSas(bytes: Uint8Array): string {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  const digits = (value % 10n ** BigInt(SAS_DIGITS)).toString().padStart(SAS_DIGITS, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}
