/**
 * The relay's agent downloads (packages/relay/src/agent-downloads.ts,
 * docs/agent-file.md) over plain HTTP, from a relay serving the agents
 * `npm run build` made: the fixed paths, attachment, media types, the stamp
 * (public URL, fingerprint when self-signed, help desk), made once per
 * configuration and cached in the data folder, a compressed form made once
 * and served to clients that accept it, ETag and 304, and 404
 * TANDEM_ERR_NOT_FOUND on a relay without built agents.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAgentFile, type AgentFileReader, type Sha256 } from '@tandem/protocol';
import { AGENTS_DIR, LINUX_AGENT, WINDOWS_AGENT, fetchDownload, filesUnder, RelayFixture } from '@tandem/test-kit';

const sha256 = (): Sha256 => {
  const hash = createHash('sha256');
  return { update: (data) => hash.update(data), digest: () => new Uint8Array(hash.digest()) };
};

function reader(bytes: Uint8Array): AgentFileReader {
  return { size: bytes.length, read: (offset, length) => Promise.resolve(bytes.subarray(offset, Math.min(bytes.length, offset + length))) };
}

const digestOf = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('agent downloads on a self-signed relay with a help desk', () => {
  const relay = new RelayFixture();

  beforeAll(() => relay.start(['--tls', 'self-signed', '--help-desk-name', 'Example Help Desk']));
  afterAll(() => relay.stop());

  it('serves the Linux agent stamped with its URL, fingerprint and help desk, as an attachment with an ETag', async () => {
    const answer = await fetchDownload(relay.url, LINUX_AGENT);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/octet-stream');
    expect(answer.headers['content-disposition']).toBe(`attachment; filename="${LINUX_AGENT}"`);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.headers.vary).toBe('Accept-Encoding');
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
    const info = await verifyAgentFile(reader(answer.body), sha256);
    expect(info.stamp).toEqual({ relay: relay.url, fingerprint: relay.fingerprint, helpDesk: 'Example Help Desk' });
    expect(answer.headers.etag).toBe(`"${info.digest}"`);
    // The executable part is the built one, byte for byte: only the stamp and trailer are new.
    const built = readFileSync(join(AGENTS_DIR, LINUX_AGENT));
    const builtInfo = await verifyAgentFile(reader(built), sha256);
    expect(builtInfo.stamp).toBeUndefined();
    expect(digestOf(answer.body.subarray(0, info.executableLength))).toBe(digestOf(built.subarray(0, builtInfo.executableLength)));
  });

  it('answers 304 to If-None-Match with the ETag, and HEAD without a body', async () => {
    const first = await fetchDownload(relay.url, LINUX_AGENT, {}, 'HEAD');
    expect(first.status).toBe(200);
    expect(first.body.length).toBe(0);
    const etag = String(first.headers.etag);
    const again = await fetchDownload(relay.url, LINUX_AGENT, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect((await fetchDownload(relay.url, LINUX_AGENT, { 'if-none-match': '"something-else"' }, 'HEAD')).status).toBe(200);
  });

  it('serves it gzip-compressed to a client that accepts gzip, made once and kept in the data folder', async () => {
    const plain = await fetchDownload(relay.url, LINUX_AGENT);
    const gz = await fetchDownload(relay.url, LINUX_AGENT, { 'accept-encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.etag).toBe(`${String(plain.headers.etag).slice(0, -1)}-gzip"`);
    expect(gz.body.length).toBeLessThan(plain.body.length * 0.6);
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    // Not made again per request: the same file, unchanged.
    const cached = filesUnder(join(relay.dataDir, 'agents', LINUX_AGENT)).find((f) => f.endsWith('.gz'));
    expect(cached).toBeDefined();
    const before = statSync(join(relay.dataDir, 'agents', LINUX_AGENT, String(cached))).mtimeMs;
    const second = await fetchDownload(relay.url, LINUX_AGENT, { 'accept-encoding': 'gzip;q=1, br;q=0' });
    expect(second.headers['content-encoding']).toBe('gzip');
    expect(statSync(join(relay.dataDir, 'agents', LINUX_AGENT, String(cached))).mtimeMs).toBe(before);
    // A client that refuses every encoding gets the file as it is.
    expect((await fetchDownload(relay.url, LINUX_AGENT, { 'accept-encoding': 'identity' }, 'HEAD')).headers['content-encoding']).toBeUndefined();
  });

  it('serves the Windows agent as a PE executable with the same stamp', async () => {
    const answer = await fetchDownload(relay.url, WINDOWS_AGENT);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/vnd.microsoft.portable-executable');
    expect(answer.headers['content-disposition']).toBe(`attachment; filename="${WINDOWS_AGENT}"`);
    expect(answer.body.subarray(0, 2).toString('latin1')).toBe('MZ');
    const info = await verifyAgentFile(reader(answer.body), sha256);
    expect(info).toMatchObject({ pe: true, signed: false, stamp: { relay: relay.url, fingerprint: relay.fingerprint, helpDesk: 'Example Help Desk' } });
  });
});

describe('the stamp follows the relay configuration', () => {
  it('is made once per configuration: a restart reuses it, a new help desk name makes a new one and drops the old', async () => {
    // A fixed public URL: the stamp does not depend on the port each start picks.
    const publicUrl = 'http://relay.example.test:8080';
    const stampDirs = (dataDir: string): string[] => filesUnder(join(dataDir, 'agents', LINUX_AGENT)).filter((f) => !f.includes('/'));
    const relay = new RelayFixture();
    try {
      await relay.start(['--public-url', publicUrl, '--help-desk-name', 'Desk One']);
      const first = await fetchDownload(relay.url, LINUX_AGENT, {}, 'HEAD');
      const [dir] = stampDirs(relay.dataDir);
      expect(stampDirs(relay.dataDir)).toHaveLength(1);
      const stamped = join(relay.dataDir, 'agents', LINUX_AGENT, String(dir), LINUX_AGENT);
      const madeAt = statSync(stamped).mtimeMs;
      await relay.shutdown();

      const same = new RelayFixture({ dataDir: relay.dataDir });
      try {
        await same.start(['--public-url', publicUrl, '--help-desk-name', 'Desk One']);
        const answer = await fetchDownload(same.url, LINUX_AGENT, {}, 'HEAD');
        expect(answer.headers.etag).toBe(first.headers.etag);
        expect(stampDirs(relay.dataDir)).toEqual([dir]);
        expect(statSync(stamped).mtimeMs).toBe(madeAt);
        await same.shutdown();
      } finally {
        // Its own folder only: the data folder goes on to the next start.
        rmSync(same.dir, { recursive: true, force: true });
      }

      const changed = new RelayFixture({ dataDir: relay.dataDir });
      try {
        await changed.start(['--public-url', publicUrl, '--help-desk-name', 'Desk Two']);
        const second = await fetchDownload(changed.url, LINUX_AGENT);
        const info = await verifyAgentFile(reader(second.body), sha256);
        expect(info.stamp).toEqual({ relay: publicUrl, helpDesk: 'Desk Two' });
        expect(second.headers.etag).not.toBe(first.headers.etag);
        const now = stampDirs(relay.dataDir);
        expect(now).toHaveLength(1);
        expect(now[0]).not.toBe(dir);
      } finally {
        await changed.stop();
      }
    } finally {
      await relay.stop();
    }
  });
});

describe('a relay whose agents are not built', () => {
  const relay = new RelayFixture();

  beforeAll(async () => {
    const empty = join(relay.dir, 'no-agents');
    mkdirSync(empty);
    await relay.start(['--agents', empty]);
  });
  afterAll(() => relay.stop());

  it('answers both download paths 404 TANDEM_ERR_NOT_FOUND, saying why', async () => {
    for (const name of [LINUX_AGENT, WINDOWS_AGENT]) {
      const answer = await fetchDownload(relay.url, name);
      expect(answer.status).toBe(404);
      const body: unknown = JSON.parse(answer.body.toString('utf8'));
      expect(body).toMatchObject({ code: 'TANDEM_ERR_NOT_FOUND' });
      expect(String((body as { message?: unknown }).message)).toMatch(/not built/);
    }
  });
});
