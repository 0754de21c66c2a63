import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { LIMITS, TandemError } from '@tandem/protocol';

/** scrypt cost parameters (RFC 7914 §2): N = 2^15, r = 8, p = 1. */
const PARAMS = { N: 1 << 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 64;
/** 128·N·r bytes are needed (RFC 7914 §2); Node's default maxmem (32 MiB) is exactly that, leave head-room. */
const MAXMEM = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, { ...options, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Fails with `TANDEM_ERR_BAD_INPUT` unless the password meets the length bounds. */
export function checkPasswordStrength(password: unknown, name = 'password'): asserts password is string {
  if (typeof password !== 'string') throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: must be a string`);
  if ([...password].length < LIMITS.minPasswordChars) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: too weak, use at least ${LIMITS.minPasswordChars} characters`);
  }
  if (password.length > LIMITS.maxPasswordChars) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: must be at most ${LIMITS.maxPasswordChars} characters`);
  }
}

/**
 * Hashes a password with scrypt into a self-describing string
 * `scrypt$N$r$p$SALT_B64URL$KEY_B64URL`, so parameters can be raised later
 * without breaking stored hashes.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Verifies `password` against a string from {@link hashPassword} in constant
 * time. A malformed stored hash verifies as false.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (!N || !r || !p || N > 1 << 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || expected.length < 32) return false;
  const key = await derive(password, salt, expected.length, { N, r, p });
  return timingSafeEqual(key, expected);
}

/**
 * A hash of a random password, verified against when a user name is unknown
 * so that unknown and known names take the same time.
 */
export async function makeDummyHash(): Promise<string> {
  return hashPassword(randomBytes(24).toString('base64url'));
}
