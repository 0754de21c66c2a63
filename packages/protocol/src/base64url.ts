/**
 * base64url without padding (RFC 4648 §5, padding omitted as §3.2 allows),
 * shared by Node and the browser (no Buffer, no atob). The decoder is strict:
 * it accepts only the canonical encoding, so one byte string has exactly one
 * text form (a checksum over the text then covers the bytes too).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUES = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));

/** Encodes bytes as unpadded base64url. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]!;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]!;
  }
  return out;
}

/** True when `text` is the canonical unpadded base64url form of some bytes. */
export function isBase64Url(text: string): boolean {
  try {
    fromBase64Url(text);
    return true;
  } catch (err) {
    // fromBase64Url throws only TypeError for non-canonical input; anything else is a bug.
    if (err instanceof TypeError) return false;
    throw err;
  }
}

/**
 * Decodes unpadded base64url. Throws a TypeError for any other alphabet,
 * padding, a length that no byte string has (4k+1), or non-zero unused bits
 * in the last character (a non-canonical form).
 */
export function fromBase64Url(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('fromBase64Url: not a string');
  if (text.length % 4 === 1) throw new TypeError('fromBase64Url: impossible length');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const c of text) {
    const v = VALUES.get(c);
    if (v === undefined) throw new TypeError('fromBase64Url: character outside the base64url alphabet');
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw new TypeError('fromBase64Url: non-canonical final character');
  return out;
}
