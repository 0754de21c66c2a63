// CPace's input checks and the values it hands out, each on its own: every
// check names what it refused, G.I is never a shared array a caller could
// change, the start keeps its own sid, the scalar is sampled again when zero
// and refused at the group order. Written against the survivors of mutation
// testing (docs/security.md, "Mutation testing"); the draft's vectors are in
// cpace.test.ts.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from './bytes.js';
import { cpaceDeriveIsk, cpaceStart, cpaceStartWithScalar, lvCat, prependLen, scalarMultVfy, type CpaceDeriveArgs, type CpaceInputs } from './cpace.js';
import { RISTRETTO255_VECTORS as V } from './cpace-vectors.js';

const inputs = (): CpaceInputs => ({ prs: utf8('45678'), ci: utf8('channel'), sid: utf8('session-1') });
const badInput = (message: string): unknown => expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT', message });
const protocolError = (message: string): unknown => expect.objectContaining({ code: 'TANDEM_ERR_PROTOCOL', message });
const ZEROS = '00'.repeat(32);
/** The group order 2^252 + 27742317777372353535851937790883648493 (RFC 9496 §4.1), 32 bytes little-endian. */
const ORDER_LE = Uint8Array.from({ length: 32 }, (_, i) => Number(((1n << 252n) + 27742317777372353535851937790883648493n) >> BigInt(8 * i) & 0xffn));

/** Valid derivation arguments for the initiator of {@link inputs}, with `overrides`. */
function args(overrides: Partial<CpaceDeriveArgs> = {}): CpaceDeriveArgs {
  return { role: 'initiator', ownAd: utf8('technician'), peerShare: cpaceStart(inputs()).share, peerAd: utf8('customer'), sid: utf8('session-1'), ...overrides };
}

describe('CPace input checks', () => {
  it('prepend_len and lv_cat name the part that is not bytes', () => {
    expect(() => prependLen('x' as unknown as Uint8Array)).toThrow(badInput('data: must be a Uint8Array'));
    expect(() => lvCat(utf8('a'), 'b' as unknown as Uint8Array)).toThrow(badInput('lvCat part 1: must be a Uint8Array'));
  });

  it('refuses inputs that are not an object, and names each field that is not bytes', () => {
    expect(() => cpaceStart(null as unknown as CpaceInputs)).toThrow(badInput('inputs: must be an object'));
    expect(() => cpaceStart('inputs' as unknown as CpaceInputs)).toThrow(badInput('inputs: must be an object'));
    for (const field of ['prs', 'ci', 'sid'] as const) {
      expect(() => cpaceStart({ ...inputs(), [field]: 'text' })).toThrow(badInput(`${field}: must be a Uint8Array`));
    }
  });

  it('names each argument of the derivation that is wrong', () => {
    const cases: Array<[Partial<CpaceDeriveArgs>, string]> = [
      [{ role: 'both' as 'initiator' }, 'role: must be one of initiator, responder'],
      [{ ownAd: 'x' as unknown as Uint8Array }, 'ownAd: must be a Uint8Array'],
      [{ peerAd: 'x' as unknown as Uint8Array }, 'peerAd: must be a Uint8Array'],
      [{ peerShare: 'x' as unknown as Uint8Array }, 'peerShare: must be a Uint8Array'],
      [{ sid: 'x' as unknown as Uint8Array }, 'sid: must be a Uint8Array'],
      [{ sid: utf8('session-2') }, 'sid: must equal the sid the CPace start was made with'],
    ];
    for (const [override, message] of cases) {
      const start = cpaceStart(inputs());
      expect(() => cpaceDeriveIsk(start, args(override))).toThrow(badInput(message));
    }
    expect(() => cpaceDeriveIsk({ share: new Uint8Array(32) }, args())).toThrow(badInput('start: must come from cpaceStart or cpaceStartWithScalar'));
    const used = cpaceStart(inputs());
    cpaceDeriveIsk(used, args());
    expect(() => cpaceDeriveIsk(used, args())).toThrow(badInput('start: was already used; start a new CPace run'));
  });

  it('says why a peer share is refused: its length, or an invalid element or the identity', () => {
    const short = cpaceStart(inputs());
    expect(() => cpaceDeriveIsk(short, args({ peerShare: new Uint8Array(31).fill(1) }))).toThrow(protocolError("CPace: the peer's share must be 32 bytes, got 31"));
    const identity = cpaceStart(inputs());
    expect(() => cpaceDeriveIsk(identity, args({ peerShare: new Uint8Array(32) }))).toThrow(
      protocolError("CPace: the peer's share is not a valid ristretto255 element or is the identity"),
    );
  });
});

describe('CPace values', () => {
  it('hands out G.I as a fresh array each time, so a caller changing one cannot change the next', () => {
    const scalar = fromHex(V.ya);
    const invalid = [new Uint8Array(31), new Uint8Array(32).fill(0xff), new Uint8Array(32)];
    for (const encoded of invalid) {
      const first = scalarMultVfy(scalar, encoded);
      expect(toHex(first)).toBe(ZEROS);
      first.fill(7);
      expect(toHex(scalarMultVfy(scalar, encoded))).toBe(ZEROS);
    }
  });

  it('keeps its own copy of the sid', () => {
    const given = inputs();
    const start = cpaceStart(given);
    given.sid.fill(0);
    expect(cpaceDeriveIsk(start, args())).toHaveLength(64);
  });

  it('draws again when the random source gives a zero scalar, and leaves the source’s bytes as they were', () => {
    const drawn: Uint8Array[] = [];
    const random = (n: number): Uint8Array => {
      const bytes = drawn.length === 0 ? new Uint8Array(n) : new Uint8Array(n).fill(0xff);
      drawn.push(bytes);
      return bytes;
    };
    const start = cpaceStart(inputs(), random);
    expect(drawn.map(toHex)).toEqual([ZEROS, 'ff'.repeat(32)]);
    expect(toHex(start.share)).not.toBe(ZEROS);
    expect(() => cpaceStart(inputs(), () => new Uint8Array(16))).toThrow(badInput('random(): must be 32 bytes'));
  });

  it('takes a given scalar only from 1 to the group order minus 1', () => {
    expect(() => cpaceStartWithScalar(inputs(), ORDER_LE)).toThrow(badInput('scalar: must be between 1 and the group order minus 1'));
    expect(() => cpaceStartWithScalar(inputs(), new Uint8Array(32))).toThrow(badInput('scalar: must be between 1 and the group order minus 1'));
    expect(() => cpaceStartWithScalar(inputs(), new Uint8Array(16))).toThrow(badInput('scalar: must be 32 bytes'));
    const orderMinusOne = ORDER_LE.slice();
    orderMinusOne[0] = (orderMinusOne[0] as number) - 1;
    expect(cpaceStartWithScalar(inputs(), orderMinusOne).share).toHaveLength(32);
  });
});
