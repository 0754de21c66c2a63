import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { webCryptoAeadProvider } from './aead.js';
import { concatBytes, fromHex, toHex, utf8 } from './bytes.js';
import { FRAME_TYPE } from './constants.js';
import { cpaceDeriveIsk, cpaceStartWithScalar } from './cpace.js';
import { handshakeChannelId, handshakeTranscript, opensCommitment, shareCommitment } from './handshake.js';
import { HANDSHAKE_VECTOR as V } from './handshake-vectors.js';
import { deriveSessionKeys } from './key-schedule.js';
import { SecureSession } from './secure-session.js';

const ci = handshakeChannelId(V.relayOrigin, V.nameplate);
const sid = utf8(V.sessionId);

/** Runs both sessions on the vector's inputs, each drawing its scalar as its "random" bytes; returns the frames in order. */
async function runVector(): Promise<{ frames: { from: string; hex: string }[]; sas: string[] }> {
  const frames: { from: string; hex: string }[] = [];
  const sas: string[] = [];
  const sessions: Record<string, SecureSession> = {};
  for (const role of ['technician', 'customer'] as const) {
    const scalar = fromHex(role === 'technician' ? V.ya : V.yb);
    sessions[role] = new SecureSession({
      role,
      secret: utf8(V.secret),
      relayOrigin: V.relayOrigin,
      nameplate: V.nameplate,
      sessionId: V.sessionId,
      aead: webCryptoAeadProvider(),
      random: (n) => scalar.slice(0, n),
      sendFrame: (frame) => {
        frames.push({ from: role, hex: toHex(frame) });
        sessions[role === 'technician' ? 'customer' : 'technician']!.receive(frame.slice());
      },
      handlers: { open: (s) => sas.push(s), message: () => undefined, closed: () => undefined, failed: (e) => { throw e; } },
    });
  }
  sessions.technician!.start();
  sessions.customer!.start();
  for (let i = 0; i < 4; i++) await Promise.all([sessions.technician!.settled(), sessions.customer!.settled()]);
  expect(sessions.technician!.state).toBe('open');
  expect(sessions.customer!.state).toBe('open');
  return { frames, sas };
}

const frame = (type: number, hex: string): string => toHex(concatBytes(Uint8Array.of(type), fromHex(hex)));

describe('the handshake test vector (docs/protocol.md)', () => {
  it('two sessions on the fixed inputs send exactly the vector, in the documented order', async () => {
    const { frames, sas } = await runVector();
    expect(frames).toEqual([
      { from: 'technician', hex: frame(FRAME_TYPE.commit, V.commitment) },
      { from: 'customer', hex: frame(FRAME_TYPE.share, V.Yb) },
      { from: 'technician', hex: frame(FRAME_TYPE.share, V.Ya) },
      { from: 'technician', hex: frame(FRAME_TYPE.confirm, V.technicianTag) },
      { from: 'customer', hex: frame(FRAME_TYPE.confirm, V.customerTag) },
    ]);
    expect(sas).toEqual([V.sas, V.sas]);
  });

  it('CI, commitment, transcript hash, ISK and keys equal the vector', () => {
    expect(toHex(ci)).toBe(V.ci);
    const inputs = { prs: utf8(V.secret), ci, sid };
    const a = cpaceStartWithScalar(inputs, fromHex(V.ya));
    const b = cpaceStartWithScalar(inputs, fromHex(V.yb));
    expect([toHex(a.share), toHex(b.share)]).toEqual([V.Ya, V.Yb]);
    const commitment = shareCommitment(ci, sid, a.share);
    expect(toHex(commitment)).toBe(V.commitment);
    const transcript = handshakeTranscript(ci, sid, commitment, a.share, b.share);
    expect(toHex(sha512(transcript))).toBe(V.transcriptHash);
    const isk = cpaceDeriveIsk(a, { role: 'initiator', ownAd: utf8('technician'), peerShare: b.share, peerAd: utf8('customer'), sid });
    expect(toHex(isk)).toBe(V.isk);
    // The responder derives the same ISK.
    expect(toHex(cpaceDeriveIsk(b, { role: 'responder', ownAd: utf8('customer'), peerShare: a.share, peerAd: utf8('technician'), sid }))).toBe(V.isk);
    const keys = deriveSessionKeys(isk, transcript);
    expect({ sas: keys.sas, t2cKey: toHex(keys.technicianToCustomer.key), t2cIv: toHex(keys.technicianToCustomer.iv), c2tKey: toHex(keys.customerToTechnician.key), c2tIv: toHex(keys.customerToTechnician.iv) }).toEqual({
      sas: V.sas,
      t2cKey: V.t2cKey,
      t2cIv: V.t2cIv,
      c2tKey: V.c2tKey,
      c2tIv: V.c2tIv,
    });
  });

  it('a commitment opens only with its share, CI and sid', () => {
    const c = fromHex(V.commitment);
    expect(opensCommitment(c, ci, sid, fromHex(V.Ya))).toBe(true);
    expect(opensCommitment(c, ci, sid, fromHex(V.Yb))).toBe(false);
    expect(opensCommitment(c, ci, utf8('another session'), fromHex(V.Ya))).toBe(false);
    expect(opensCommitment(c, handshakeChannelId('https://other.example.com', V.nameplate), sid, fromHex(V.Ya))).toBe(false);
    expect(() => opensCommitment(c.subarray(1), ci, sid, fromHex(V.Ya))).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_BAD_INPUT' }));
  });
});
