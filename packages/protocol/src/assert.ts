import { TandemError } from './errors.js';

/**
 * Small assert helpers for boundaries. Each names the argument it checks so
 * that the error says what was wrong, and each throws a {@link TandemError}
 * with code `TANDEM_ERR_BAD_INPUT` unless another code is given.
 */

/** Fails unless `cond` holds. */
export function assertThat(cond: unknown, name: string, what: string): asserts cond {
  if (!cond) throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: ${what}`);
}

/** Fails unless `value` is a plain (non-array, non-null) object. */
export function assertObject(value: unknown, name: string): asserts value is Record<string, unknown> {
  assertThat(typeof value === 'object' && value !== null && !Array.isArray(value), name, 'must be an object');
}

/** Fails unless `value` is a string of at most `maxLength` UTF-16 units (and at least `minLength`). */
export function assertString(value: unknown, name: string, maxLength: number, minLength = 0): asserts value is string {
  assertThat(typeof value === 'string', name, 'must be a string');
  assertThat(value.length >= minLength, name, `must be at least ${minLength} characters`);
  assertThat(value.length <= maxLength, name, `must be at most ${maxLength} characters`);
}

/**
 * Characters no name may hold: C0 and C1 controls and DEL (\p{Cc}), the
 * bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E,
 * U+200F, U+202A–U+202E, U+2066–U+2069; Unicode UAX #9 §2) and the line and
 * paragraph separators. U+202E turns "Admin\u202Egnp.exe" into
 * "Adminexe.png" on screen: a name shown to a customer or an administrator
 * must read as what it is.
 */
const NOT_IN_NAMES = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029]/u;

/**
 * Fails unless `value` is a string fit to show as a name (a display name, a
 * team, a user name): {@link assertString}'s bounds, and none of the control
 * or bidirectional-text characters of {@link NOT_IN_NAMES}. Every script,
 * spaces and punctuation pass.
 */
export function assertPlainName(value: unknown, name: string, maxLength: number, minLength = 0): asserts value is string {
  assertString(value, name, maxLength, minLength);
  const found = NOT_IN_NAMES.exec(value);
  assertThat(
    found === null,
    name,
    `must not contain control or bidirectional-text characters (found U+${(found?.[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`,
  );
}

/** True when `text` holds none of the characters {@link assertPlainName} refuses (for forms that check before sending). */
export function isPlainName(text: string): boolean {
  return !NOT_IN_NAMES.test(text);
}

/** `text` without the characters {@link assertPlainName} refuses: for names taken from the system (an account's full name), not typed. */
export function plainName(text: string): string {
  return text.replace(new RegExp(NOT_IN_NAMES.source, 'gu'), '');
}

/** Fails unless `value` is a string of decimal digits whose length lies in [min, max]. */
export function assertDigits(value: unknown, name: string, min: number, max: number): asserts value is string {
  assertThat(typeof value === 'string' && /^[0-9]+$/.test(value), name, 'must be decimal digits');
  assertThat(value.length >= min && value.length <= max, name, `must be ${min} to ${max} digits`);
}

/** Fails unless `value` is an integer in [min, max]. */
export function assertInteger(value: unknown, name: string, min: number, max: number): asserts value is number {
  assertThat(typeof value === 'number' && Number.isInteger(value), name, 'must be an integer');
  assertThat(value >= min && value <= max, name, `must be between ${min} and ${max}`);
}

/** Fails unless `value` is a boolean. */
export function assertBoolean(value: unknown, name: string): asserts value is boolean {
  assertThat(typeof value === 'boolean', name, 'must be a boolean');
}

/** Fails unless `value` is one of `allowed`. */
export function assertOneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): asserts value is T {
  assertThat(typeof value === 'string' && (allowed as readonly string[]).includes(value), name, `must be one of ${allowed.join(', ')}`);
}

/** Fails unless `value` is a Uint8Array, optionally of exactly `length` bytes. */
export function assertBytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  assertThat(value instanceof Uint8Array, name, 'must be a Uint8Array');
  if (length !== undefined) assertThat(value.length === length, name, `must be ${length} bytes`);
}

/** Returns `value` if it is undefined or passes `check`; a helper for optional fields. */
export function optional<T>(value: unknown, check: (v: unknown) => asserts v is T): T | undefined {
  if (value === undefined) return undefined;
  check(value);
  return value;
}
