import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from './bytes.js';
import { confirmationTag, deriveSessionKeys, verifyConfirmationTag } from './key-schedule.js';

const subtle = globalThis.crypto.subtle;
const isk = Uint8Array.from({ length: 64 }, (_, i) => i);
const transcript = utf8('transcript bytes of one handshake');

/** HKDF-SHA512 by WebCrypto: an implementation independent of @noble/hashes. */
async function webHkdf(ikm: Uint8Array, salt: Uint8Array, info: string, length: number): Promise<Uint8Array> {
  const key = await subtle.importKey('raw', ikm as Uint8Array<ArrayBuffer>, 'HKDF', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-512', salt: salt as Uint8Array<ArrayBuffer>, info: utf8(info) as Uint8Array<ArrayBuffer> }, key, length * 8);
  return new Uint8Array(bits);
}

describe('deriveSessionKeys', () => {
  it('is HKDF-SHA512 with salt SHA-512(transcript) and the documented labels', async () => {
    const salt = new Uint8Array(await subtle.digest('SHA-512', transcript as Uint8Array<ArrayBuffer>));
    const keys = deriveSessionKeys(isk, transcript);
    expect(toHex(keys.technicianToCustomer.key)).toBe(toHex(await webHkdf(isk, salt, 'tandem/1 t2c key', 32)));
    expect(toHex(keys.technicianToCustomer.iv)).toBe(toHex(await webHkdf(isk, salt, 'tandem/1 t2c iv', 12)));
    expect(toHex(keys.customerToTechnician.key)).toBe(toHex(await webHkdf(isk, salt, 'tandem/1 c2t key', 32)));
    expect(toHex(keys.customerToTechnician.iv)).toBe(toHex(await webHkdf(isk, salt, 'tandem/1 c2t iv', 12)));
    expect(toHex(keys.confirmTechnician)).toBe(toHex(await webHkdf(isk, salt, 'tandem/1 confirm technician', 64)));
    expect(toHex(keys.confirmCustomer)).toBe(toHex(await webHkdf(isk, salt, 'tandem/1 confirm customer', 64)));
    const sasBytes = await webHkdf(isk, salt, 'tandem/1 sas', 8);
    const sas = (new DataView(sasBytes.buffer).getBigUint64(0) % 1_000_000n).toString().padStart(6, '0');
    expect(keys.sas).toBe(`${sas.slice(0, 3)} ${sas.slice(3)}`);
  });

  it('gives distinct outputs of the right sizes, and a six-digit SAS', () => {
    const keys = deriveSessionKeys(isk, transcript);
    const outputs = [keys.technicianToCustomer.key, keys.technicianToCustomer.iv, keys.customerToTechnician.key, keys.customerToTechnician.iv, keys.confirmTechnician, keys.confirmCustomer];
    expect(outputs.map((o) => o.length)).toEqual([32, 12, 32, 12, 64, 64]);
    expect(new Set(outputs.map(toHex)).size).toBe(outputs.length);
    expect(keys.sas).toMatch(/^\d{3} \d{3}$/);
  });

  it('is deterministic and depends on both the ISK and the transcript', () => {
    const a = deriveSessionKeys(isk, transcript);
    expect(deriveSessionKeys(isk, transcript)).toEqual(a);
    const otherIsk = isk.slice();
    otherIsk[0] = 0xff;
    expect(toHex(deriveSessionKeys(otherIsk, transcript).technicianToCustomer.key)).not.toBe(toHex(a.technicianToCustomer.key));
    expect(toHex(deriveSessionKeys(isk, utf8('another transcript')).technicianToCustomer.key)).not.toBe(toHex(a.technicianToCustomer.key));
  });

  it('spreads the SAS over many values', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(deriveSessionKeys(isk, utf8(`t${i}`)).sas);
    // 200 draws from 10^6 values collide with probability about 2%; 195 leaves room for that.
    expect(seen.size).toBeGreaterThan(195);
  });

  it('rejects an ISK of the wrong length', () => {
    expect(() => deriveSessionKeys(new Uint8Array(32), transcript)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT' }));
  });
});

describe('confirmation tags', () => {
  const keys = deriveSessionKeys(isk, transcript);

  it('are HMAC-SHA512 of the transcript', async () => {
    const key = await subtle.importKey('raw', keys.confirmTechnician as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-512' }, false, ['sign']);
    const expected = new Uint8Array(await subtle.sign('HMAC', key, transcript as Uint8Array<ArrayBuffer>));
    expect(toHex(confirmationTag(keys.confirmTechnician, transcript))).toBe(toHex(expected));
  });

  it('verify only with the same key, transcript and full tag', () => {
    const tag = confirmationTag(keys.confirmTechnician, transcript);
    expect(verifyConfirmationTag(keys.confirmTechnician, transcript, tag)).toBe(true);
    // A tag reflected back to its sender does not verify under the other side's key.
    expect(verifyConfirmationTag(keys.confirmCustomer, transcript, tag)).toBe(false);
    expect(verifyConfirmationTag(keys.confirmTechnician, utf8('other'), tag)).toBe(false);
    expect(verifyConfirmationTag(keys.confirmTechnician, transcript, tag.subarray(0, 32))).toBe(false);
    const flipped = tag.slice();
    flipped[63] = (flipped[63] as number) ^ 0x80;
    expect(verifyConfirmationTag(keys.confirmTechnician, transcript, flipped)).toBe(false);
  });
});

// Written against the survivors of mutation testing (docs/security.md, "Mutation testing").
describe('key schedule checks', () => {
  it('zero-pads a SAS below 100 000 to six digits', () => {
    const sases = Array.from({ length: 200 }, (_, i) => deriveSessionKeys(isk, utf8(`pad ${i}`)).sas);
    for (const sas of sases) expect(sas).toMatch(/^\d{3} \d{3}$/);
    // About one SAS in ten is below 100 000; 200 draws all above it has probability 0.9^200, about 7e-10.
    expect(sases.some((sas) => sas.startsWith('0'))).toBe(true);
  });

  const badInput = (message: string): unknown => expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT', message });

  it('names the argument of the derivation that is wrong', () => {
    expect(() => deriveSessionKeys(new Uint8Array(32), transcript)).toThrow(badInput('isk: must be 64 bytes'));
    expect(() => deriveSessionKeys(isk, 'text' as unknown as Uint8Array)).toThrow(badInput('transcript: must be a Uint8Array'));
  });

  it('names the argument of a confirmation tag that is wrong', () => {
    const keys = deriveSessionKeys(isk, transcript);
    expect(() => confirmationTag(new Uint8Array(32), transcript)).toThrow(badInput('confirmKey: must be 64 bytes'));
    expect(() => confirmationTag(keys.confirmCustomer, 'text' as unknown as Uint8Array)).toThrow(badInput('transcript: must be a Uint8Array'));
    expect(() => verifyConfirmationTag(keys.confirmCustomer, transcript, 'tag' as unknown as Uint8Array)).toThrow(badInput('tag: must be a Uint8Array'));
  });
});
