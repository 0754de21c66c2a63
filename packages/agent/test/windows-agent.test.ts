/**
 * The Windows agent as `npm run build` makes it on Linux (docs/agent-file.md):
 * a valid x64 PE console executable of Node 20.20.2 carrying the Windows
 * parts (sharp with libvips' DLLs, koffi), its integrity trailer and stamp
 * read by the same code as the Linux one, and both intact after an
 * Authenticode signature (osslsigncode, a self-made certificate), which a
 * changed byte still breaks; and signed by the relay itself after stamping
 * (`--agent-signing-cert`, `--agent-signing-key`). Running it belongs to the
 * Windows issue (Wine).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAgentFile, type AgentFileReader, type Sha256 } from '@tandem/protocol';
import { AGENTS_DIR, LINUX_AGENT, RelayFixture, WINDOWS_AGENT, codeSigningCertificate, fetchDownload, runCli, runProcess, verifyAuthenticode } from '@tandem/test-kit';

const sha256 = (): Sha256 => {
  const hash = createHash('sha256');
  return { update: (data) => hash.update(data), digest: () => new Uint8Array(hash.digest()) };
};

function reader(bytes: Uint8Array): AgentFileReader {
  return { size: bytes.length, read: (offset, length) => Promise.resolve(bytes.subarray(offset, Math.min(bytes.length, offset + length))) };
}

/** The PE/COFF header fields the test checks. */
function peFacts(file: Buffer): { signature: string; machine: number; magic: number; subsystem: number; certEntry: [number, number] } {
  const pe = file.readUInt32LE(0x3c);
  const optional = pe + 24;
  return {
    signature: file.subarray(pe, pe + 4).toString('latin1'),
    machine: file.readUInt16LE(pe + 4),
    magic: file.readUInt16LE(optional),
    subsystem: file.readUInt16LE(optional + 68),
    certEntry: [file.readUInt32LE(optional + 112 + 32), file.readUInt32LE(optional + 112 + 36)],
  };
}

/** The paths of the parts the build put in the file (the `tandem/parts` asset's manifest). */
function partPaths(file: Buffer): string[] {
  const at = file.indexOf('{"files":[{"path":"agent/');
  expect(at).toBeGreaterThan(0);
  const length = file.readUInt32LE(at - 4);
  const manifest: unknown = JSON.parse(file.subarray(at, at + length).toString('utf8'));
  return ((manifest as { files: { path: string }[] }).files).map((f) => f.path);
}

describe('the Windows agent', () => {
  const relay = new RelayFixture();
  let built = Buffer.alloc(0);

  beforeAll(async () => {
    built = readFileSync(join(AGENTS_DIR, WINDOWS_AGENT));
    await relay.start(['--tls', 'self-signed', '--help-desk-name', 'Example Help Desk']);
  });
  afterAll(() => relay.stop());

  it('is an x64 PE console executable of Node 20.20.2, unsigned, with the Windows parts', async () => {
    expect(built.subarray(0, 2).toString('latin1')).toBe('MZ');
    expect(peFacts(built)).toEqual({ signature: 'PE\0\0', machine: 0x8664, magic: 0x20b, subsystem: 3, certEntry: [0, 0] });
    // Node's version resource, in UTF-16 as Windows reads it.
    expect(built.indexOf(Buffer.from('20.20.2', 'utf16le'))).toBeGreaterThan(0);
    const parts = partPaths(built);
    expect(parts).toContain('agent/dist/bundle/agent.cjs');
    expect(parts).toContain('agent/page/index.html');
    expect(parts.some((p) => /^node_modules\/@img\/sharp-win32-x64\/lib\/sharp-win32-x64-[\d.]+\.node$/.test(p))).toBe(true);
    expect(parts.some((p) => /^node_modules\/@img\/sharp-win32-x64\/lib\/libvips-42\.dll$/.test(p))).toBe(true);
    expect(parts).toContain('node_modules/@koromix/koffi-win32-x64/win32_x64/koffi.node');
    // Nothing of Linux in it.
    expect(parts.some((p) => p.includes('linux'))).toBe(false);
    const info = await verifyAgentFile(reader(built), sha256);
    expect(info).toMatchObject({ pe: true, signed: false });
    expect(info.stamp).toBeUndefined();
  });

  it("is served stamped, its stamp and trailer read by the Linux agent's code, and stays intact once signed with Authenticode", async () => {
    const answer = await fetchDownload(relay.url, WINDOWS_AGENT);
    expect(answer.status).toBe(200);
    const stamp = { relay: relay.url, fingerprint: relay.fingerprint, helpDesk: 'Example Help Desk' };
    expect((await verifyAgentFile(reader(answer.body), sha256)).stamp).toEqual(stamp);

    // A help desk's own code-signing certificate, self-made here.
    const dir = relay.dir;
    const { certFile: cert, keyFile: key } = await codeSigningCertificate(dir, 'Example Help Desk');
    const unsigned = join(dir, 'stamped.exe');
    const signed = join(dir, 'signed.exe');
    writeFileSync(unsigned, answer.body);
    const sign = await runProcess('osslsigncode', ['sign', '-certs', cert, '-key', key, '-n', 'Tandem', '-h', 'sha256', '-in', unsigned, '-out', signed], { timeoutMs: 60_000 });
    expect(sign.code, sign.stderr).toBe(0);
    const verify = await verifyAuthenticode(signed, cert);
    expect(verify.code, verify.output).toBe(0);

    const signedBytes = readFileSync(signed);
    expect(peFacts(signedBytes).certEntry[0]).toBeGreaterThan(0);
    const info = await verifyAgentFile(reader(signedBytes), sha256);
    expect(info).toMatchObject({ pe: true, signed: true, stamp, contentEnd: answer.body.length });

    // One byte changed in the executable after signing: both checks refuse it.
    const tampered = Buffer.from(signedBytes);
    const at = tampered.indexOf('agent/dist/bundle/agent.cjs') + 2;
    tampered[at] = (tampered[at] ?? 0) ^ 0x20;
    await expect(verifyAgentFile(reader(tampered), sha256)).rejects.toMatchObject({ code: 'TANDEM_ERR_AGENT_DAMAGED' });
    writeFileSync(join(dir, 'tampered.exe'), tampered);
    expect((await verifyAuthenticode(join(dir, 'tampered.exe'), cert)).code).not.toBe(0);
  });
});

describe('a relay that signs the Windows agent', () => {
  const relay = new RelayFixture();
  let cert = '';

  beforeAll(async () => {
    const signing = await codeSigningCertificate(relay.dir, 'Example Help Desk');
    cert = signing.certFile;
    await relay.start(['--tls', 'self-signed', '--help-desk-name', 'Example Help Desk', '--agent-signing-cert', signing.certFile, '--agent-signing-key', signing.keyFile]);
  });
  afterAll(() => relay.stop());

  it('serves it stamped, then signed with the help desk\'s certificate (osslsigncode verify passes), the integrity check intact; the Linux agent as before', async () => {
    const answer = await fetchDownload(relay.url, WINDOWS_AGENT);
    expect(answer.status).toBe(200);
    const info = await verifyAgentFile(reader(answer.body), sha256);
    expect(info).toMatchObject({ pe: true, signed: true, stamp: { relay: relay.url, fingerprint: relay.fingerprint, helpDesk: 'Example Help Desk' } });
    expect(answer.headers.etag).toMatch(new RegExp(`^"${info.digest}\\.[0-9a-f]{16}"$`));
    const file = join(relay.dir, 'downloaded.exe');
    writeFileSync(file, answer.body);
    const verify = await verifyAuthenticode(file, cert);
    expect(verify.code, verify.output).toBe(0);
    expect(verify.output).toMatch(/Example Help Desk/);
    const linux = await verifyAgentFile(reader((await fetchDownload(relay.url, LINUX_AGENT)).body), sha256);
    expect(linux).toMatchObject({ pe: false, signed: false });
  });

  it('refuses to start without both files, or with one it cannot read', async () => {
    const alone = await runCli(['start', '--data', join(relay.dir, 'other-data'), '--listen', '127.0.0.1:0', '--agent-signing-cert', cert]);
    expect(alone.code).not.toBe(0);
    expect(alone.stderr).toMatch(/--agent-signing-cert and --agent-signing-key go together/);
    const missing = await runCli(['start', '--data', join(relay.dir, 'other-data'), '--listen', '127.0.0.1:0', '--agent-signing-cert', cert, '--agent-signing-key', join(relay.dir, 'missing.key')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/--agent-signing-key: cannot read .*missing\.key/);
  });
});
