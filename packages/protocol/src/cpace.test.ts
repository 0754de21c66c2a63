import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from './bytes.js';
import { TandemError } from './errors.js';
import {
  cpaceDeriveIsk,
  cpaceGenerator,
  cpaceStart,
  cpaceStartWithScalar,
  generatorString,
  lvCat,
  prependLen,
  scalarMultVfy,
  transcriptIr,
  type CpaceInputs,
} from './cpace.js';
import { RISTRETTO255_SCALAR_MULT_VECTORS as SM, RISTRETTO255_VECTORS as V, STRING_VECTORS } from './cpace-vectors.js';

const vectorInputs = (): CpaceInputs => ({ prs: fromHex(V.prs), ci: fromHex(V.ci), sid: fromHex(V.sid) });

function expectTandemError(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(TandemError);
  expect((caught as TandemError).code).toBe(code);
}

describe('CPace string utilities (draft-21 Appendix A)', () => {
  it('prepend_len matches A.1.2, including the two-byte LEB128 length at 128', () => {
    expect(toHex(prependLen(new Uint8Array()))).toBe(STRING_VECTORS.prependLenEmpty);
    expect(toHex(prependLen(utf8('1234')))).toBe(STRING_VECTORS.prependLen1234);
    const r127 = Uint8Array.from({ length: 127 }, (_, i) => i);
    expect(toHex(prependLen(r127))).toBe('7f' + toHex(r127));
    const r128 = Uint8Array.from({ length: 128 }, (_, i) => i);
    expect(toHex(prependLen(r128))).toBe('8001' + toHex(r128));
    expect(toHex(prependLen(new Uint8Array(300)).subarray(0, 2))).toBe('ac02');
  });

  it('lv_cat matches A.1.4', () => {
    expect(toHex(lvCat(utf8('1234'), utf8('5'), new Uint8Array(), utf8('678')))).toBe(STRING_VECTORS.lvCat);
  });

  it('transcript_ir matches A.3.5', () => {
    expect(toHex(transcriptIr(utf8('123'), utf8('PartyA'), utf8('234'), utf8('PartyB')))).toBe(STRING_VECTORS.transcriptIr1);
    expect(toHex(transcriptIr(utf8('3456'), utf8('PartyA'), utf8('2345'), utf8('PartyB')))).toBe(STRING_VECTORS.transcriptIr2);
  });
});

describe('CPace on ristretto255 with SHA-512 (draft-21 Appendix B.3)', () => {
  it('computes the generator string and the generator g (B.3.1)', () => {
    const inputs = vectorInputs();
    expect(toHex(generatorString(utf8('CPaceRistretto255'), inputs.prs, inputs.ci, inputs.sid, 128))).toBe(V.generatorString);
    expect(toHex(cpaceGenerator(inputs))).toBe(V.g);
  });

  it('computes Ya and Yb from ya and yb (B.3.2, B.3.3)', () => {
    expect(toHex(cpaceStartWithScalar(vectorInputs(), fromHex(V.ya)).share)).toBe(V.Ya);
    expect(toHex(cpaceStartWithScalar(vectorInputs(), fromHex(V.yb)).share)).toBe(V.Yb);
  });

  it('computes the same K on both sides (B.3.4)', () => {
    expect(toHex(scalarMultVfy(fromHex(V.ya), fromHex(V.Yb)))).toBe(V.K);
    expect(toHex(scalarMultVfy(fromHex(V.yb), fromHex(V.Ya)))).toBe(V.K);
  });

  it('derives ISK_IR on both the initiator and the responder (B.3.5)', () => {
    const a = cpaceStartWithScalar(vectorInputs(), fromHex(V.ya));
    const b = cpaceStartWithScalar(vectorInputs(), fromHex(V.yb));
    const iskA = cpaceDeriveIsk(a, { role: 'initiator', ownAd: fromHex(V.ada), peerShare: b.share, peerAd: fromHex(V.adb), sid: fromHex(V.sid) });
    const iskB = cpaceDeriveIsk(b, { role: 'responder', ownAd: fromHex(V.adb), peerShare: a.share, peerAd: fromHex(V.ada), sid: fromHex(V.sid) });
    expect(toHex(transcriptIr(a.share, fromHex(V.ada), b.share, fromHex(V.adb)))).toBe(V.transcriptIr);
    expect(toHex(iskA)).toBe(V.iskIr);
    expect(toHex(iskB)).toBe(V.iskIr);
  });

  it('scalar_mult_vfy: valid input (B.3.10), invalid encoding and identity give G.I (B.3.11)', () => {
    expect(toHex(scalarMultVfy(fromHex(SM.s), fromHex(SM.X)))).toBe(SM.sX);
    expect(toHex(scalarMultVfy(fromHex(SM.s), fromHex(SM.invalid)))).toBe(SM.identity);
    expect(toHex(scalarMultVfy(fromHex(SM.s), fromHex(SM.identity)))).toBe(SM.identity);
  });
});

describe('CPace runs', () => {
  const inputs = (prs: string): CpaceInputs => ({
    prs: utf8(prs),
    ci: lvCat(utf8('tandem/1'), utf8('https://relay.example:8443'), utf8('123')),
    sid: utf8('session-1'),
  });
  const run = (prsA: string, prsB: string): [Uint8Array, Uint8Array] => {
    const a = cpaceStart(inputs(prsA));
    const b = cpaceStart(inputs(prsB));
    const sid = utf8('session-1');
    return [
      cpaceDeriveIsk(a, { role: 'initiator', ownAd: utf8('technician'), peerShare: b.share, peerAd: utf8('customer'), sid }),
      cpaceDeriveIsk(b, { role: 'responder', ownAd: utf8('customer'), peerShare: a.share, peerAd: utf8('technician'), sid }),
    ];
  };

  it('agrees on a 64-byte ISK with the same secret, with fresh shares each run', () => {
    const [a, b] = run('54321', '54321');
    expect(a).toHaveLength(64);
    expect(toHex(a)).toBe(toHex(b));
    expect(toHex(run('54321', '54321')[0])).not.toBe(toHex(a));
  });

  it('disagrees with a different secret', () => {
    const [a, b] = run('54321', '54322');
    expect(toHex(a)).not.toBe(toHex(b));
  });

  it('disagrees when the sides swap or mislabel associated data', () => {
    const a = cpaceStart(inputs('1'));
    const b = cpaceStart(inputs('1'));
    const sid = utf8('session-1');
    const iskA = cpaceDeriveIsk(a, { role: 'initiator', ownAd: utf8('technician'), peerShare: b.share, peerAd: utf8('customer'), sid });
    const iskB = cpaceDeriveIsk(b, { role: 'responder', ownAd: utf8('technician'), peerShare: a.share, peerAd: utf8('customer'), sid });
    expect(toHex(iskA)).not.toBe(toHex(iskB));
  });

  it('samples scalars per draft §8.3 from the given random source', () => {
    const fixed = (n: number): Uint8Array => new Uint8Array(n).fill(0xff);
    // All-ones masked to 252 bits is a valid scalar; two starts from the same bytes give the same share.
    expect(toHex(cpaceStart(inputs('1'), fixed).share)).toBe(toHex(cpaceStart(inputs('1'), fixed).share));
    const masked = new Uint8Array(32).fill(0xff);
    masked[31] = 0x0f;
    expect(toHex(cpaceStart(inputs('1'), fixed).share)).toBe(toHex(cpaceStartWithScalar(inputs('1'), masked).share));
  });

  it('rejects an invalid peer share with TANDEM_ERR_PROTOCOL', () => {
    const sid = utf8('session-1');
    const bad: Array<[string, Uint8Array]> = [
      ['non-canonical encoding (B.3.11 Y_i1)', fromHex(SM.invalid)],
      ['identity element (B.3.11 Y_i2)', fromHex(SM.identity)],
      ['all ones', new Uint8Array(32).fill(0xff)],
      ['too short', new Uint8Array(31).fill(1)],
      ['too long', new Uint8Array(33)],
    ];
    for (const [, peerShare] of bad) {
      const a = cpaceStart(inputs('1'));
      expectTandemError(
        () => cpaceDeriveIsk(a, { role: 'initiator', ownAd: utf8('technician'), peerShare, peerAd: utf8('customer'), sid }),
        'TANDEM_ERR_PROTOCOL',
      );
    }
  });

  it('uses a start at most once and checks the sid', () => {
    const a = cpaceStart(inputs('1'));
    const b = cpaceStart(inputs('1'));
    const args = { role: 'initiator' as const, ownAd: utf8('technician'), peerShare: b.share, peerAd: utf8('customer'), sid: utf8('session-1') };
    expectTandemError(() => cpaceDeriveIsk(a, { ...args, sid: utf8('session-2') }), 'TANDEM_ERR_BAD_INPUT');
    cpaceDeriveIsk(a, args);
    expectTandemError(() => cpaceDeriveIsk(a, args), 'TANDEM_ERR_BAD_INPUT');
    expectTandemError(() => cpaceDeriveIsk({ share: b.share }, args), 'TANDEM_ERR_BAD_INPUT');
  });

  it('rejects out-of-range scalars', () => {
    expectTandemError(() => cpaceStartWithScalar(inputs('1'), new Uint8Array(32)), 'TANDEM_ERR_BAD_INPUT');
    expectTandemError(() => cpaceStartWithScalar(inputs('1'), new Uint8Array(32).fill(0xff)), 'TANDEM_ERR_BAD_INPUT');
    expectTandemError(() => cpaceStartWithScalar(inputs('1'), new Uint8Array(31).fill(1)), 'TANDEM_ERR_BAD_INPUT');
  });
});
