import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AGENT_FILE, AgentDigest, agentFileTail, decodeStamp, peHashExclusions, verifyAgentFile, type AgentFileReader, type AgentStamp, type Sha256 } from './agent-file.js';
import { TandemError } from './errors.js';

const sha256 = (): Sha256 => {
  const hash = createHash('sha256');
  return { update: (data) => hash.update(data), digest: () => new Uint8Array(hash.digest()) };
};

function reader(bytes: Uint8Array): AgentFileReader {
  return { size: bytes.length, read: (offset, length) => Promise.resolve(bytes.slice(offset, Math.min(bytes.length, offset + length))) };
}

/** A file as the build or a relay writes it: the executable, its stamp and trailer. */
function agentFile(executable: Uint8Array, stamp?: AgentStamp): Uint8Array {
  const digest = new AgentDigest(sha256(), peHashExclusions(executable));
  digest.update(executable);
  const tail = agentFileTail(digest, stamp);
  const out = new Uint8Array(executable.length + tail.length);
  out.set(executable, 0);
  out.set(tail, executable.length);
  return out;
}

/** A minimal PE32+ image: MZ, e_lfanew, "PE\0\0", a COFF header and an optional header with its data directories. */
function fakePe(length = 5000): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + 7) & 0xff;
  bytes.set([0x4d, 0x5a], 0);
  const pe = 0x80;
  new DataView(bytes.buffer).setUint32(0x3c, pe, true);
  bytes.set([0x50, 0x45, 0, 0], pe);
  new DataView(bytes.buffer).setUint16(pe + 24, 0x20b, true);
  // No certificate table yet.
  new DataView(bytes.buffer).setUint32(pe + 24 + 112 + 32, 0, true);
  new DataView(bytes.buffer).setUint32(pe + 24 + 112 + 36, 0, true);
  return bytes;
}

/** Signs `file` as Authenticode tools do: rewrites CheckSum and the certificate entry, appends the table. */
function fakeSign(file: Uint8Array, padding: number): Uint8Array {
  const table = new Uint8Array(300).fill(0xaa);
  const out = new Uint8Array(file.length + padding + table.length);
  out.set(file, 0);
  out.set(table, file.length + padding);
  const view = new DataView(out.buffer);
  const optional = 0x80 + 24;
  view.setUint32(optional + 64, 0x12345678, true);
  view.setUint32(optional + 112 + 32, file.length + padding, true);
  view.setUint32(optional + 112 + 36, table.length, true);
  return out;
}

const STAMP: AgentStamp = { relay: 'https://support.example.com:8443', fingerprint: 'ab'.repeat(32), helpDesk: 'Example Help Desk' };

async function refusal(bytes: Uint8Array): Promise<TandemError> {
  const err: unknown = await verifyAgentFile(reader(bytes), sha256).then(() => undefined, (e: unknown) => e);
  if (!(err instanceof TandemError)) throw new Error(`expected a TandemError, got ${String(err)}`);
  expect(err.code).toBe('TANDEM_ERR_AGENT_DAMAGED');
  return err;
}

describe('the agent file layout', () => {
  it('reads back the stamp of a stamped file, and none of an unstamped one, aligned either way', async () => {
    const exe = new Uint8Array(1001).fill(7);
    const stamped = agentFile(exe, STAMP);
    expect(stamped.length % AGENT_FILE.alignment).toBe(0);
    const info = await verifyAgentFile(reader(stamped), sha256);
    expect(info).toMatchObject({ executableLength: 1001, stamp: STAMP, pe: false, signed: false, contentEnd: stamped.length });
    const plain = agentFile(exe);
    expect(plain.length % AGENT_FILE.alignment).toBe(0);
    const bare = await verifyAgentFile(reader(plain), sha256);
    expect(bare.stamp).toBeUndefined();
    expect(bare.executableLength).toBe(1001);
  });

  it('refuses a file cut short, anywhere in its tail', async () => {
    const file = agentFile(new Uint8Array(4000).fill(1), STAMP);
    for (const cut of [1, 7, AGENT_FILE.trailerBytes, AGENT_FILE.trailerBytes + 20, 1000]) {
      const err = await refusal(file.slice(0, file.length - cut));
      expect(err.message).toMatch(/damaged or incomplete/);
    }
  });

  it('refuses one changed byte in the executable, the stamp or the digest', async () => {
    const file = agentFile(new Uint8Array(4000).fill(1), STAMP);
    for (const at of [0, 2000, 4005, file.length - AGENT_FILE.trailerBytes + 3]) {
      const copy = file.slice();
      copy[at] = (copy[at] ?? 0) ^ 0x01;
      await refusal(copy);
    }
  });

  it('still verifies a PE file after Authenticode signing rewrote CheckSum and the certificate entry and appended its table', async () => {
    const file = agentFile(fakePe(), STAMP);
    for (const padding of [0, 3]) {
      const signed = fakeSign(file, padding);
      const info = await verifyAgentFile(reader(signed), sha256);
      expect(info).toMatchObject({ pe: true, signed: true, stamp: STAMP, contentEnd: file.length });
    }
    // Any other byte of the header still counts.
    const other = fakeSign(file, 0);
    other[0x80 + 24 + 8] = (other[0x80 + 24 + 8] ?? 0) ^ 0xff;
    await refusal(other);
  });

  it('counts the PE fields as zeros without changing the bytes it is given (a Node Buffer included)', async () => {
    const file = Buffer.from(fakeSign(agentFile(fakePe(), STAMP), 0));
    const before = Buffer.from(file);
    await verifyAgentFile({ size: file.length, read: (offset, length) => Promise.resolve(file.subarray(offset, offset + length)) }, sha256);
    expect(file.equals(before)).toBe(true);
  });

  it('refuses a stamp that is not what a relay writes', () => {
    expect(() => decodeStamp(new TextEncoder().encode('{"relay":"ftp://x"}'))).toThrow(/damaged or incomplete.*stamp/);
    expect(() => decodeStamp(new TextEncoder().encode('{"relay":"https://x","extra":1}'))).toThrow(/unknown field/);
    expect(() => decodeStamp(new TextEncoder().encode('{"relay":"https://x","fingerprint":"AB"}'))).toThrow(/fingerprint/);
    expect(() => decodeStamp(new TextEncoder().encode('{"relay":"https://x","helpDesk":"a\u202Eb"}'))).toThrow(/help-desk/);
    expect(decodeStamp(new TextEncoder().encode('   '))).toBeUndefined();
  });
});
