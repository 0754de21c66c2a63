import { randomBytes, timingSafeEqual } from 'node:crypto';
import desJs from 'des.js';

/**
 * VNC Authentication (RFC 6143 §7.2.2): the server sends a 16-byte random
 * challenge, the client returns it DES-encrypted (ECB, two blocks) with the
 * password as key. The key is the password's first 8 bytes, zero-padded, with
 * the bits of each byte reversed: the historic VNC quirk every viewer follows.
 * OpenSSL 3 has no DES, hence des.js.
 */

/** A fresh 16-byte challenge. */
export function vncChallenge(): Uint8Array {
  return new Uint8Array(randomBytes(16));
}

function reverseBits(b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if (b & (1 << i)) r |= 1 << (7 - i);
  return r;
}

/** The 8-byte DES key VNC derives from `password` (Latin-1, first 8 bytes). */
export function vncKey(password: string): Uint8Array {
  const raw = Buffer.from(password, 'latin1');
  const key = new Uint8Array(8);
  for (let i = 0; i < 8 && i < raw.length; i++) key[i] = reverseBits(raw[i] as number);
  return key;
}

/** The response a client computes for `challenge` with `password`. */
export function vncResponse(challenge: Uint8Array, password: string): Uint8Array {
  const cipher = desJs.DES.create({ type: 'encrypt', key: Array.from(vncKey(password)), padding: false });
  const out = cipher.update(Array.from(challenge)).concat(cipher.final());
  return new Uint8Array(out);
}

/** True when `response` is right for `challenge` and `password` (constant-time compare). */
export function vncVerify(challenge: Uint8Array, response: Uint8Array, password: string): boolean {
  if (response.length !== 16 || challenge.length !== 16) return false;
  return timingSafeEqual(vncResponse(challenge, password), response);
}

/**
 * The fixed key with which vncpasswd obfuscates stored passwords (the
 * `~/.vnc/passwd` format read by vncviewer -passwd, x11vnc -rfbauth and
 * vncsnapshot -passwd). It is obfuscation, not protection.
 */
const PASSWD_FILE_KEY = Uint8Array.of(23, 82, 107, 6, 35, 78, 88, 7);

/** The 8 bytes of a vncpasswd-format password file for `password`. */
export function encodeVncPasswordFile(password: string): Uint8Array {
  const plain = new Uint8Array(8);
  plain.set(Buffer.from(password, 'latin1').subarray(0, 8));
  // d3des's deskey applies VNC's bit order to the fixed key as to any password.
  const cipher = desJs.DES.create({ type: 'encrypt', key: Array.from(vncKey(Buffer.from(PASSWD_FILE_KEY).toString('latin1'))), padding: false });
  return new Uint8Array(cipher.update(Array.from(plain)).concat(cipher.final()));
}

/** The password stored in a vncpasswd-format file (its first 8 bytes). */
export function decodeVncPasswordFile(file: Uint8Array): string {
  if (file.length < 8) throw new RangeError('vnc password file: shorter than 8 bytes');
  const cipher = desJs.DES.create({ type: 'decrypt', key: Array.from(vncKey(Buffer.from(PASSWD_FILE_KEY).toString('latin1'))), padding: false });
  const plain = Buffer.from(cipher.update(Array.from(file.subarray(0, 8))).concat(cipher.final()));
  const end = plain.indexOf(0);
  return plain.subarray(0, end < 0 ? 8 : end).toString('latin1');
}
