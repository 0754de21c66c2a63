/**
 * Relay certificate fingerprints: SHA-256 over the certificate's DER bytes,
 * as the relay prints it (`fingerprint: HEX`) and as `--relay-fingerprint`
 * takes it.
 */
import { createHash } from 'node:crypto';
import { TandemError } from '@tandem/protocol';

/**
 * Normalises a SHA-256 fingerprint typed by a person: upper or lower case,
 * with or without colons (or spaces) between bytes. Returns 64 lower-case hex
 * digits, or throws TANDEM_ERR_BAD_INPUT naming `name`.
 */
export function normaliseFingerprint(input: string, name = '--relay-fingerprint'): string {
  if (typeof input !== 'string') throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: must be a string`);
  const hex = input.trim().replace(/^sha-?256[:=\s]*/i, '').replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `${name}: must be a SHA-256 fingerprint (64 hex digits, colons allowed)`);
  }
  return hex;
}

/** SHA-256 of a certificate's DER bytes, as 64 lower-case hex digits. */
export function certificateFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** Shows a 64-digit fingerprint in the usual colon form, `AB:CD:...`. */
export function formatFingerprint(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}
