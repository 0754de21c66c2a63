/**
 * The bytes of Tandem's handshake around CPace (docs/protocol.md,
 * "Handshake"): the channel identifier, the technician's commitment to its
 * share and the transcript the keys, the tags and the SAS are derived from.
 * Pure functions, so that the session and the published test vector compute
 * them the same way.
 *
 * The commitment is ZRTP's hash commitment (RFC 6189 §4.4.1.1): the side that
 * speaks first (the technician, CPace's initiator) sends
 * SHA-512(lv_cat("tandem/1 commit", CI, sid, Ya)) before it has seen the
 * customer's share and opens it (sends Ya) only after. CI and sid make a
 * commitment useless in any other session; the label keeps the hash apart
 * from every other SHA-512 input of the protocol.
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { assertBytes, assertString } from './assert.js';
import { equalBytes, utf8 } from './bytes.js';
import { LIMITS, PROTOCOL_LABEL } from './constants.js';
import { CPACE_SHARE_BYTES, lvCat } from './cpace.js';

/** Length of a share commitment: a SHA-512 digest. */
export const COMMITMENT_BYTES = 64;

/** Longest nameplate or ticket bound into CI (a ticket of 512 bits is 86 base64url characters). */
const MAX_NAMEPLATE_CHARS = 128;

/** Domain separator of the commitment hash. */
const COMMIT_LABEL = utf8(`${PROTOCOL_LABEL} commit`);

/** CPace's channel identifier (draft §3.1): lv_cat("tandem/1", relayOrigin, nameplate). */
export function handshakeChannelId(relayOrigin: string, nameplate: string): Uint8Array {
  assertString(relayOrigin, 'relayOrigin', LIMITS.maxRelayUrlChars, 1);
  assertString(nameplate, 'nameplate', MAX_NAMEPLATE_CHARS, 1);
  return lvCat(utf8(PROTOCOL_LABEL), utf8(relayOrigin), utf8(nameplate));
}

/** The technician's commitment to its share Ya: SHA-512(lv_cat("tandem/1 commit", CI, sid, Ya)). */
export function shareCommitment(ci: Uint8Array, sid: Uint8Array, ya: Uint8Array): Uint8Array {
  assertBytes(ci, 'ci');
  assertBytes(sid, 'sid');
  assertBytes(ya, 'ya', CPACE_SHARE_BYTES);
  return sha512(lvCat(COMMIT_LABEL, ci, sid, ya));
}

/** True when `ya` opens `commitment` for this CI and sid; compares in constant time. */
export function opensCommitment(commitment: Uint8Array, ci: Uint8Array, sid: Uint8Array, ya: Uint8Array): boolean {
  assertBytes(commitment, 'commitment', COMMITMENT_BYTES);
  return equalBytes(shareCommitment(ci, sid, ya), commitment);
}

/**
 * The handshake transcript: lv_cat("tandem/1", CI, sid, commitment, Ya, Yb).
 * Both sides compute it from the same bytes; it is the HKDF salt's input
 * (key-schedule.ts) and what both confirmation tags MAC, so the keys and the
 * SAS depend on the commitment as well as on both shares.
 */
export function handshakeTranscript(ci: Uint8Array, sid: Uint8Array, commitment: Uint8Array, ya: Uint8Array, yb: Uint8Array): Uint8Array {
  assertBytes(commitment, 'commitment', COMMITMENT_BYTES);
  assertBytes(ya, 'ya', CPACE_SHARE_BYTES);
  assertBytes(yb, 'yb', CPACE_SHARE_BYTES);
  return lvCat(utf8(PROTOCOL_LABEL), ci, sid, commitment, ya, yb);
}
