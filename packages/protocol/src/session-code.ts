/**
 * Session codes: nameplate digits first, then secret digits (BRIEF, security
 * model). The relay allocates the nameplate and never sees the secret; the
 * technician's side draws the secret with a CSPRNG.
 */
import { assertInteger, assertDigits, assertThat } from './assert.js';
import { CODE } from './constants.js';

/** A parsed session code. */
export interface SessionCode {
  nameplate: string;
  secret: string;
}

/** Source of random bytes (crypto.getRandomValues in both Node and browsers). */
export type RandomBytes = (length: number) => Uint8Array;

/** The platform CSPRNG, available as `globalThis.crypto` in Node 20 and browsers. */
export const platformRandomBytes: RandomBytes = (length) => globalThis.crypto.getRandomValues(new Uint8Array(length));

/** Draws `digits` uniformly random decimal digits by rejection sampling. */
export function randomDigits(digits: number, random: RandomBytes = platformRandomBytes): string {
  assertInteger(digits, 'digits', 1, CODE.maxLength);
  let out = '';
  while (out.length < digits) {
    for (const b of random(digits * 2)) {
      // 250 is the largest multiple of 10 below 256: rejecting 250..255 keeps digits uniform.
      if (b < 250 && out.length < digits) out += String(b % 10);
    }
  }
  return out;
}

/**
 * Makes the secret half of a code: {@link CODE.minSecretDigits} CSPRNG digits.
 * With the relay's 3-digit nameplates this gives the default 8-digit code; a
 * longer nameplate makes a longer code, never a shorter secret.
 */
export function makeSecret(random?: RandomBytes): string {
  return randomDigits(CODE.minSecretDigits, random);
}

/** Joins a nameplate and secret into the code a person reads out. */
export function formatCode(code: SessionCode): string {
  return code.nameplate + code.secret;
}

/**
 * Splits a typed code. Spaces and dashes are ignored. The last
 * {@link CODE.minSecretDigits} digits are the secret and the rest the
 * nameplate, so codes grow with the nameplate when many are in use.
 */
export function parseCode(input: string): SessionCode {
  assertThat(typeof input === 'string', 'code', 'must be a string');
  const digits = input.replace(/[\s-]/g, '');
  assertDigits(digits, 'code', CODE.minNameplateDigits + CODE.minSecretDigits, CODE.maxNameplateDigits + CODE.minSecretDigits);
  const nameplateLength = digits.length - CODE.minSecretDigits;
  return { nameplate: digits.slice(0, nameplateLength), secret: digits.slice(nameplateLength) };
}
