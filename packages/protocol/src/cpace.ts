/**
 * CPace, the balanced PAKE of the IETF CFRG, instantiated as the
 * CPACE-RISTR255-SHA512 cipher suite: group ristretto255 (RFC 9496), hash
 * SHA-512. Written against draft-irtf-cfrg-cpace-21 (23 April 2026), whose
 * Appendix B.3 test vectors `cpace.test.ts` reproduces byte for byte.
 *
 * Tandem runs CPace in initiator-responder mode (draft §6.3 `transcript_ir`):
 * the technician is the initiator A, the customer the responder B.
 *
 * Section numbers in comments refer to that draft.
 */
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { assertBytes, assertOneOf, assertThat } from './assert.js';
import { concatBytes, equalBytes, utf8 } from './bytes.js';
import { TandemError } from './errors.js';
import { platformRandomBytes, type RandomBytes } from './session-code.js';

const { Point } = ristretto255;
type RistrettoPoint = ReturnType<typeof Point.fromBytes>;

/** G_Ristretto255.DSI (§8.3). */
const DSI = utf8('CPaceRistretto255');
/** G.DSI || "_ISK", the domain separator of the ISK hash (§7.2). */
const DSI_ISK = utf8('CPaceRistretto255_ISK');
/** SHA-512's input block size, H.s_in_bytes (§6.2). */
const SHA512_S_IN_BYTES = 128;
/** G_Ristretto255.field_size_bytes (§8.3): the length of an encoded element and of a scalar. */
export const CPACE_SHARE_BYTES = 32;
/** Length of the intermediate session key: SHA-512's output, H.b_in_bytes (§6.2). */
export const CPACE_ISK_BYTES = 64;
/** G_Ristretto255.group_size_bits (§8.3). */
const GROUP_SIZE_BITS = 252;
/** G_Ristretto255.group_order = 2^252 + 27742317777372353535851937790883648493 (§8.3). */
const GROUP_ORDER: bigint = Point.Fn.ORDER;
/** G.I, the public encoding of the neutral element (§8.3): 32 zero bytes for ristretto255. */
const IDENTITY_ENCODING = new Uint8Array(CPACE_SHARE_BYTES);

/** The CPace inputs both sides must share (§4.1). */
export interface CpaceInputs {
  /** Password-related string: the secret digits, UTF-8. */
  prs: Uint8Array;
  /** Channel identifier: Tandem uses lvCat("tandem/1", relayOrigin, nameplate). */
  ci: Uint8Array;
  /** Session identifier: UTF-8 of the relay's sessionId. */
  sid: Uint8Array;
}

/**
 * One side's CPace state after it computed its share. Send `share`; keep the
 * object (it holds the secret scalar) until the peer's share arrives, then
 * call {@link cpaceDeriveIsk} once.
 */
export interface CpaceStart {
  /** The 32-byte encoding of this side's public share Y = y·g (§7.2). */
  readonly share: Uint8Array;
}

/** Arguments to {@link cpaceDeriveIsk}. */
export interface CpaceDeriveArgs {
  /** This side's role: the initiator is A (sends Ya, ADa), the responder B. */
  role: 'initiator' | 'responder';
  /** This side's associated data (ADa for the initiator, ADb for the responder). */
  ownAd: Uint8Array;
  /** The peer's share as received from the wire. */
  peerShare: Uint8Array;
  /** The peer's associated data. */
  peerAd: Uint8Array;
  /** The session identifier; must be the sid the start was made with. */
  sid: Uint8Array;
}

/** `prepend_len` (§6.3, Appendix A.1.1): the LEB128 encoding of `data`'s length, then `data`. */
export function prependLen(data: Uint8Array): Uint8Array {
  assertBytes(data, 'data');
  const length: number[] = [];
  let n = data.length;
  // LEB128: seven bits per byte, least significant group first; bit 7 set while more follow.
  do {
    const low = n & 0x7f;
    n = Math.floor(n / 128);
    length.push(n === 0 ? low : low | 0x80);
  } while (n !== 0);
  return concatBytes(Uint8Array.from(length), data);
}

/** `lv_cat` (§6.3, Appendix A.1.3): each part with its length prepended, concatenated. */
export function lvCat(...parts: Uint8Array[]): Uint8Array {
  parts.forEach((p, i) => assertBytes(p, `lvCat part ${i}`));
  return concatBytes(...parts.map(prependLen));
}

/**
 * `generator_string` (§8.1, Appendix A.2): lv_cat(DSI, PRS, zero padding, CI,
 * sid), the padding filling the hash's first input block so that the first
 * compression depends on the password only.
 */
export function generatorString(dsi: Uint8Array, prs: Uint8Array, ci: Uint8Array, sid: Uint8Array, sInBytes: number): Uint8Array {
  const lenZpad = Math.max(0, sInBytes - 1 - prependLen(prs).length - prependLen(dsi).length);
  return lvCat(dsi, prs, new Uint8Array(lenZpad), ci, sid);
}

/** `transcript_ir` (§6.3, Appendix A.3.4): lv_cat(Ya, ADa) || lv_cat(Yb, ADb). */
export function transcriptIr(ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Uint8Array {
  return concatBytes(lvCat(ya, ada), lvCat(yb, adb));
}

/**
 * G.calculate_generator for G_Ristretto255 (§8.3): hash the generator string
 * to 2·field_size_bytes = 64 bytes with SHA-512, then apply RFC 9496's element
 * derivation (§4.3.4 there) to get the internal representation _g.
 */
function calculateGenerator(inputs: CpaceInputs): RistrettoPoint {
  const genStrHash = sha512(generatorString(DSI, inputs.prs, inputs.ci, inputs.sid, SHA512_S_IN_BYTES));
  if (ristretto255_hasher.deriveToCurve === undefined) throw new TandemError('TANDEM_ERR_INTERNAL', '@noble/curves lacks ristretto255 element derivation');
  return ristretto255_hasher.deriveToCurve(genStrHash);
}

/** The encoded generator g for these inputs (§8.3); exposed for the draft's test vectors. */
export function cpaceGenerator(inputs: CpaceInputs): Uint8Array {
  checkInputs(inputs);
  return calculateGenerator(inputs).toBytes();
}

/**
 * G.scalar_mult_vfy for G_Ristretto255 (§8.3): decode `encoded`, returning G.I
 * (32 zero bytes) if it is not a valid encoding, else encode(y · decode(X)).
 * The result is G.I as well when X is the neutral element. Callers MUST abort
 * on G.I (§7.2, §9). `scalar` is 32 bytes little-endian, 1 ≤ y < group order.
 */
export function scalarMultVfy(scalar: Uint8Array, encoded: Uint8Array): Uint8Array {
  return multiplyVerified(decodeScalar(scalar), encoded);
}

function multiplyVerified(y: bigint, encoded: Uint8Array): Uint8Array {
  if (!(encoded instanceof Uint8Array) || encoded.length !== CPACE_SHARE_BYTES) return IDENTITY_ENCODING.slice();
  let point: RistrettoPoint;
  try {
    point = Point.fromBytes(encoded);
  } catch {
    // Not a canonical ristretto255 encoding: the draft maps this to G.I (§8.3), which the caller rejects.
    return IDENTITY_ENCODING.slice();
  }
  if (point.is0()) return IDENTITY_ENCODING.slice();
  return point.multiply(y).toBytes();
}

/** Starts CPace with a fresh scalar (§7.2): computes g and Y = y·g. */
export function cpaceStart(inputs: CpaceInputs, random: RandomBytes = platformRandomBytes): CpaceStart {
  checkInputs(inputs);
  return new CpaceState(inputs, sampleScalar(random));
}

/**
 * Starts CPace with a given scalar (32 bytes, little-endian, 1 ≤ y < group
 * order). Only for reproducing test vectors: a scalar MUST NOT be reused (§10.9).
 */
export function cpaceStartWithScalar(inputs: CpaceInputs, scalar: Uint8Array): CpaceStart {
  checkInputs(inputs);
  return new CpaceState(inputs, decodeScalar(scalar));
}

/**
 * Derives the intermediate session key for initiator-responder mode (§7.2):
 * K = scalar_mult_vfy(y, peer share), abort if K = G.I, then
 * ISK = SHA-512(lv_cat(DSI || "_ISK", sid, K) || transcript_ir(Ya, ADa, Yb, ADb)).
 * Returns 64 bytes. The start is spent afterwards, whether this succeeds or not.
 *
 * @throws TandemError `TANDEM_ERR_PROTOCOL` when the peer's share is not a
 *   valid ristretto255 encoding or encodes the neutral element.
 */
export function cpaceDeriveIsk(start: CpaceStart, args: CpaceDeriveArgs): Uint8Array {
  assertThat(start instanceof CpaceState, 'start', 'must come from cpaceStart or cpaceStartWithScalar');
  return start.deriveIsk(args);
}

/** The private half of a {@link CpaceStart}: the scalar and sid, used once. */
class CpaceState implements CpaceStart {
  readonly share: Uint8Array;
  readonly #sid: Uint8Array;
  #scalar: bigint | undefined;

  constructor(inputs: CpaceInputs, scalar: bigint) {
    this.#sid = inputs.sid.slice();
    this.#scalar = scalar;
    // G.scalar_mult(y, _g) = encode(y · _g) (§8.3).
    this.share = calculateGenerator(inputs).multiply(scalar).toBytes();
  }

  deriveIsk(args: CpaceDeriveArgs): Uint8Array {
    assertOneOf(args.role, 'role', ['initiator', 'responder'] as const);
    assertBytes(args.ownAd, 'ownAd');
    assertBytes(args.peerAd, 'peerAd');
    assertBytes(args.peerShare, 'peerShare');
    assertBytes(args.sid, 'sid');
    assertThat(equalBytes(args.sid, this.#sid), 'sid', 'must equal the sid the CPace start was made with');
    const scalar = this.#scalar;
    // §10.9: a scalar MUST NOT be reused, so the state is spent by the first attempt.
    assertThat(scalar !== undefined, 'start', 'was already used; start a new CPace run');
    this.#scalar = undefined;

    if (args.peerShare.length !== CPACE_SHARE_BYTES) {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `CPace: the peer's share must be ${CPACE_SHARE_BYTES} bytes, got ${args.peerShare.length}`);
    }
    const k = multiplyVerified(scalar, args.peerShare);
    // §7.2: "MUST abort if K=G.I" — an invalid encoding or the neutral element (§8.3.1, §9).
    if (equalBytes(k, IDENTITY_ENCODING)) {
      throw new TandemError('TANDEM_ERR_PROTOCOL', "CPace: the peer's share is not a valid ristretto255 element or is the identity");
    }
    const transcript =
      args.role === 'initiator'
        ? transcriptIr(this.share, args.ownAd, args.peerShare, args.peerAd)
        : transcriptIr(args.peerShare, args.peerAd, this.share, args.ownAd);
    return sha512(concatBytes(lvCat(DSI_ISK, this.#sid, k), transcript));
  }
}

function checkInputs(inputs: CpaceInputs): void {
  assertThat(typeof inputs === 'object' && inputs !== null, 'inputs', 'must be an object');
  assertBytes(inputs.prs, 'prs');
  assertBytes(inputs.ci, 'ci');
  assertBytes(inputs.sid, 'sid');
}

/**
 * G.sample_scalar as RECOMMENDED for group abstractions (§8.3): 32 random
 * bytes, the bits above group_size_bits (252) cleared, read little-endian.
 * The result is below 2^252 < group order; zero (probability 2^-252) is drawn
 * again because it is not a valid Diffie-Hellman scalar.
 */
function sampleScalar(random: RandomBytes): bigint {
  for (;;) {
    const bytes = random(CPACE_SHARE_BYTES);
    assertBytes(bytes, 'random()', CPACE_SHARE_BYTES);
    const masked = bytes.slice();
    masked[CPACE_SHARE_BYTES - 1] = (masked[CPACE_SHARE_BYTES - 1] as number) & ((1 << (GROUP_SIZE_BITS % 8)) - 1);
    const y = bytesToNumberLE(masked);
    masked.fill(0);
    if (y !== 0n) return y;
  }
}

function decodeScalar(scalar: Uint8Array): bigint {
  assertBytes(scalar, 'scalar', CPACE_SHARE_BYTES);
  const y = bytesToNumberLE(scalar);
  assertThat(y > 0n && y < GROUP_ORDER, 'scalar', 'must be between 1 and the group order minus 1');
  return y;
}
