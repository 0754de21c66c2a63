/**
 * A man in the middle who knows the secret (the relay, holding a password-less
 * invitation file, say) runs one handshake with the technician and one with
 * the customer, and tries to choose its shares so that both sides show the
 * same SAS. Without a commitment it could: see both honest shares, then grind
 * its own until the two SASs match. With the commitment the protocol never
 * shows it the customer's share before it committed to its own, nor the
 * technician's share before it sent its own, so each SAS is fixed before the
 * attacker sees what it would need to steer it (docs/protocol.md, "Why the
 * SAS holds against a man in the middle").
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { webCryptoAeadProvider } from './aead.js';
import { concatBytes, utf8 } from './bytes.js';
import { FRAME_TYPE, type Role } from './constants.js';
import { cpaceDeriveIsk, cpaceStart, type CpaceStart } from './cpace.js';
import type { TandemError } from './errors.js';
import { handshakeChannelId, handshakeTranscript, shareCommitment } from './handshake.js';
import { confirmationTag, deriveSessionKeys, type SessionKeys } from './key-schedule.js';
import { SecureSession } from './secure-session.js';

const SECRET = 'the secret the attacker knows';
const ORIGIN = 'https://relay.test';
const NAMEPLATE = 'ticket-of-the-invitation';
const SESSION_ID = 'session-7';
const ci = handshakeChannelId(ORIGIN, NAMEPLATE);
const sid = utf8(SESSION_ID);

function seeded(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => sha512(utf8(`${seed} ${counter++}`)).slice(0, n);
}

/** An honest side whose frames go to the attacker. */
interface Victim {
  session: SecureSession;
  /** Frames it sent to the attacker, in order. */
  out: Uint8Array[];
  sas?: string;
  failure?: TandemError;
}

function victim(role: Role, seed: string): Victim {
  const v: Victim = { session: undefined as unknown as SecureSession, out: [] };
  v.session = new SecureSession({
    role,
    secret: utf8(SECRET),
    relayOrigin: ORIGIN,
    nameplate: NAMEPLATE,
    sessionId: SESSION_ID,
    aead: webCryptoAeadProvider(),
    random: seeded(seed),
    sendFrame: (frame) => v.out.push(frame.slice()),
    handlers: { open: (sas) => (v.sas = sas), message: () => undefined, closed: () => undefined, failed: (e) => (v.failure = e) },
  });
  v.session.start();
  return v;
}

async function give(v: Victim, ...frames: Uint8Array[]): Promise<void> {
  for (const f of frames) v.session.receive(f);
  for (let i = 0; i < 3; i++) await v.session.settled();
}

const framed = (type: number, body: Uint8Array): Uint8Array => concatBytes(Uint8Array.of(type), body);

/** The attacker's half of a leg: it knows the secret, so it can run CPace as either side. */
function attackerStart(seed: string): CpaceStart {
  return cpaceStart({ prs: utf8(SECRET), ci, sid }, seeded(seed));
}

/** The keys of the attacker's leg with the customer, for its share `ya` (committed as `commitment`) and the customer's `yb`. */
function legWithCustomer(start: CpaceStart, commitment: Uint8Array, yb: Uint8Array): { keys: SessionKeys; transcript: Uint8Array } {
  const isk = cpaceDeriveIsk(start, { role: 'initiator', ownAd: utf8('technician'), peerShare: yb, peerAd: utf8('customer'), sid });
  const transcript = handshakeTranscript(ci, sid, commitment, start.share, yb);
  return { keys: deriveSessionKeys(isk, transcript), transcript };
}

describe('a man in the middle who knows the secret cannot grind the SAS', () => {
  it('the customer sends nothing before it has a commitment, and refuses a share sent instead', async () => {
    const customer = victim('customer', 'customer-1');
    // Grinding needs the customer's share first: it is not there.
    expect(customer.out).toEqual([]);
    const mine = attackerStart('m-1');
    await give(customer, framed(FRAME_TYPE.share, mine.share));
    expect(customer.failure?.code).toBe('TANDEM_ERR_PROTOCOL');
    expect(customer.out).toEqual([]);
  });

  it('the technician shows only its commitment until it has a share, and refuses anything else', async () => {
    const technician = victim('technician', 'technician-1');
    expect(technician.out.map((f) => f[0])).toEqual([FRAME_TYPE.commit]);
    await give(technician, framed(FRAME_TYPE.confirm, new Uint8Array(64)));
    expect(technician.failure?.code).toBe('TANDEM_ERR_PROTOCOL');
    expect(technician.out.map((f) => f[0])).toEqual([FRAME_TYPE.commit]);
  });

  it('a share ground after seeing the customer\'s is refused: it does not open the commitment', async () => {
    // Leg 1, with the technician: the attacker must send its share before it learns Ya.
    const technician = victim('technician', 'technician-2');
    const towardsTechnician = cpaceStart({ prs: utf8(SECRET), ci, sid }, seeded('m-2'));
    await give(technician, framed(FRAME_TYPE.share, towardsTechnician.share));
    const [commitT, yaFrame] = technician.out as [Uint8Array, Uint8Array, Uint8Array];
    const ya = yaFrame.subarray(1);
    const iskT = cpaceDeriveIsk(towardsTechnician, { role: 'responder', ownAd: utf8('customer'), peerShare: ya, peerAd: utf8('technician'), sid });
    const sasT = deriveSessionKeys(iskT, handshakeTranscript(ci, sid, commitT.subarray(1), ya, towardsTechnician.share)).sas;

    // Leg 2, with the customer: commit to one share, receive Yb, then grind for a share whose SAS is closer to sasT.
    const customer = victim('customer', 'customer-2');
    const committed = attackerStart('m-3');
    const commitment = shareCommitment(ci, sid, committed.share);
    await give(customer, framed(FRAME_TYPE.commit, commitment));
    const yb = (customer.out[0] as Uint8Array).subarray(1);
    let ground: { start: CpaceStart; sas: string } | undefined;
    for (let i = 0; i < 500 && ground === undefined; i++) {
      const candidate = attackerStart(`grind-${i}`);
      const { keys } = legWithCustomer(candidate, commitment, yb);
      // A toy target (the first digit) stands in for the full SAS, which would take about 10^6 tries.
      if (keys.sas[0] === sasT[0]) ground = { start: cpaceStart({ prs: utf8(SECRET), ci, sid }, seeded(`grind-${i}`)), sas: keys.sas };
    }
    expect(ground, 'grinding found a share that steers the SAS').toBeDefined();
    const { keys } = legWithCustomer(ground!.start, commitment, yb);
    const transcript = handshakeTranscript(ci, sid, commitment, ground!.start.share, yb);
    await give(customer, framed(FRAME_TYPE.share, ground!.start.share), framed(FRAME_TYPE.confirm, confirmationTag(keys.confirmTechnician, transcript)));
    expect(customer.failure?.code).toBe('TANDEM_ERR_PROTOCOL');
    expect(customer.failure?.message).toMatch(/does not match the commitment/);
    expect(customer.sas).toBeUndefined();
    // The customer sent its share and nothing else: no tag, no SAS shown.
    expect(customer.out.map((f) => f[0])).toEqual([FRAME_TYPE.share]);
  });

  it('an attacker that keeps to its commitments gets two SASs it could not steer', async () => {
    const technician = victim('technician', 'technician-3');
    const customer = victim('customer', 'customer-3');
    // Towards the customer: commit, get Yb, open, confirm.
    const towardsCustomer = attackerStart('m-4');
    const commitment = shareCommitment(ci, sid, towardsCustomer.share);
    await give(customer, framed(FRAME_TYPE.commit, commitment));
    const yb = (customer.out[0] as Uint8Array).subarray(1);
    const legC = legWithCustomer(towardsCustomer, commitment, yb);
    await give(customer, framed(FRAME_TYPE.share, towardsCustomer.share), framed(FRAME_TYPE.confirm, confirmationTag(legC.keys.confirmTechnician, legC.transcript)));
    // Towards the technician: send a share, get Ya and its tag, answer with ours.
    const towardsTechnician = cpaceStart({ prs: utf8(SECRET), ci, sid }, seeded('m-5'));
    await give(technician, framed(FRAME_TYPE.share, towardsTechnician.share));
    const ya = (technician.out[1] as Uint8Array).subarray(1);
    const isk = cpaceDeriveIsk(towardsTechnician, { role: 'responder', ownAd: utf8('customer'), peerShare: ya, peerAd: utf8('technician'), sid });
    const transcriptT = handshakeTranscript(ci, sid, (technician.out[0] as Uint8Array).subarray(1), ya, towardsTechnician.share);
    await give(technician, framed(FRAME_TYPE.confirm, confirmationTag(deriveSessionKeys(isk, transcriptT).confirmCustomer, transcriptT)));
    // Both legs opened (the attacker knows the secret), but the people comparing SASs see different ones.
    expect(customer.sas).toBeDefined();
    expect(technician.sas).toBeDefined();
    expect(customer.sas).not.toBe(technician.sas);
  });
});
