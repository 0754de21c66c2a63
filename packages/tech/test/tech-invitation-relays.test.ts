/**
 * Where a technician's credentials go (issue 7, item 2), against real
 * processes: the customer's `tandem invite` holding its ticket on a real
 * relay, a forged copy of its invitation whose first relay is a hostile
 * server run by this test (HTTP, or HTTPS with its own fingerprint in the
 * file), and `tandem tech invitation`. The hostile server counts every TCP
 * connection it accepts, before any TLS or HTTP: it must see none, with and
 * without `--relay`. The real relay sits behind a counting forwarder, so "no
 * connection to anything" is measured too. Also: credentials never go over
 * http:// except to loopback, for `tandem tech session` as well.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeInvitation, readInvitation, type InvitationRelay } from '@tandem/protocol';
import { AgentHome, CountingForwarder, HostileServer, invite, RelayFixture, selfSignedCertificate, type Proc } from '@tandem/test-kit';

/** An IPv4 address of this machine that is not loopback, if it has one. */
function outsideAddress(): string | undefined {
  return Object.values(networkInterfaces()).flat().find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;
}

describe('tandem tech invitation sends credentials only to relays the technician configured', () => {
  const relay = new RelayFixture();
  const home = new AgentHome();
  const hostileHttp = new HostileServer();
  let hostileHttps: HostileServer;
  let hostileHttpsFingerprint = '';
  let front: CountingForwarder;
  let frontUrl = '';
  let httpUrl = '';
  let httpsUrl = '';
  let techPw = '';
  let n = 0;
  const password = 'pw-tanaka-correct-horse';

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('tanaka', 'technician', password);
    const url = new URL(relay.url);
    front = new CountingForwarder({ host: url.hostname, port: Number(url.port) });
    frontUrl = await front.start();
    httpUrl = await hostileHttp.start();
    const tls = await selfSignedCertificate();
    hostileHttps = new HostileServer(tls);
    hostileHttpsFingerprint = tls.fingerprint;
    httpsUrl = await hostileHttps.start();
  });
  afterAll(async () => {
    await relay.stop();
    await hostileHttp.close();
    await hostileHttps.close();
    await front.close();
    home.remove();
  });

  /** `tandem invite` held through the forwarder; returns it and a forged copy of its invitation with `relays`. */
  async function forged(relays: (real: string) => InvitationRelay[]): Promise<{ agent: Proc; file: string }> {
    const out = join(home.dir, `real-${++n}.tandem`);
    const agent = invite(relay, home, ['--relay', frontUrl, '--expires', '1h', '--name', 'Kim', '--out', out]);
    const file = (await agent.waitFor(/^invitation: (.+)$/))[1]!;
    await agent.waitFor(/^event: holding /);
    const inv = readInvitation(readFileSync(file, 'utf8'));
    const forgedFile = join(home.dir, `forged-${n}.tandem`);
    // The checksum is no seal: anyone can write a valid file with other relays (docs/invitation-format.md).
    writeFileSync(forgedFile, encodeInvitation({ ...inv, relays: relays(frontUrl) }));
    return { agent, file: forgedFile };
  }

  function techInvitation(file: string, extra: string[]): Proc {
    return relay.agent(['tech', 'invitation', file, '--user', 'tanaka', '--password-file', techPw, ...extra]);
  }

  const hostiles = [
    ['HTTP server', () => ({ server: hostileHttp, relay: { url: httpUrl } })],
    ['HTTPS server (its fingerprint in the file)', () => ({ server: hostileHttps, relay: { url: httpsUrl, fingerprint: hostileHttpsFingerprint } })],
  ] as const;

  for (const [label, hostile] of hostiles) {
    it(`a forged invitation whose first relay is a hostile ${label}: with --relay, only the technician's relay is contacted`, async () => {
      const { server, relay: first } = hostile();
      const { agent, file } = await forged((real) => [first, { url: real }]);
      const tech = techInvitation(file, ['--relay', frontUrl]);
      await agent.waitFor(/\[y\/n\]/, 20_000, 'err');
      agent.send('y');
      await tech.waitFor(/^event: accepted chat$/);
      tech.endInput();
      expect(await tech.exitCode()).toBe(0);
      expect(await agent.exitCode()).toBe(0);
      expect({ connections: server.connections, requests: server.requests }).toEqual({ connections: 0, requests: [] });
    });

    it(`the same forged invitation (hostile ${label} first) without --relay: a clear error, and no connection to anything`, async () => {
      const { server, relay: first } = hostile();
      const { agent, file } = await forged((real) => [first, { url: real }]);
      const before = front.connections;
      const tech = techInvitation(file, []);
      // Whichever comes first: the technician's client gives up, or it reached the customer through some relay.
      await Promise.race([tech.exited, agent.waitFor(/\[y\/n\]/, 20_000, 'err')]);
      expect({ connections: server.connections, requests: server.requests }).toEqual({ connections: 0, requests: [] });
      const code = await tech.exitCode();
      const stderr = tech.stderrLines.join('\n');
      expect(code).toBe(2);
      expect(stderr).toMatch(/^error: TANDEM_ERR_RELAY_NOT_CONFIGURED /m);
      expect(stderr).toContain(first.url);
      expect(stderr).toContain(frontUrl);
      expect(stderr).toMatch(/--relay/);
      expect(front.connections).toBe(before);
      expect(agent.lines.some((l) => l.startsWith('event: attempt'))).toBe(false);
      agent.kill('SIGINT');
      await agent.exitCode();
    });
  }

  it('an invitation naming none of the technician\'s relays: an error naming both lists, and nothing contacted', async () => {
    const { agent, file } = await forged(() => [{ url: httpUrl }, { url: httpsUrl, fingerprint: hostileHttpsFingerprint }]);
    const before = front.connections;
    const tech = techInvitation(file, ['--relay', frontUrl]);
    expect(await tech.exitCode()).toBe(1);
    const message = (await tech.waitFor(/^error: TANDEM_ERR_RELAY_NOT_CONFIGURED (.*)$/, 5000, 'err'))[1]!;
    expect(message).toContain(httpUrl);
    expect(message).toContain(httpsUrl);
    expect(message).toContain(frontUrl);
    expect(hostileHttp.untouched && hostileHttps.untouched).toBe(true);
    expect(front.connections).toBe(before);
    agent.kill('SIGINT');
    await agent.exitCode();
  });

  it('credentials never go over http:// to an address that is not loopback: refused before connecting, for tech session and tech invitation', async () => {
    const outside = outsideAddress();
    if (outside === undefined) throw new Error('this machine has no IPv4 address that is not loopback: the test needs one to listen on (a network interface up)');
    const server = new HostileServer();
    const url = await server.start(outside);
    try {
      const session = relay.agent(['tech', 'session', '--relay', url, '--user', 'tanaka', '--password-file', techPw]);
      const code = await session.exitCode();
      expect({ connections: server.connections, requests: server.requests }).toEqual({ connections: 0, requests: [] });
      expect(code).toBe(2);
      expect(session.stderrLines.join('\n')).toMatch(/^error: TANDEM_ERR_BAD_INPUT --relay: .*http:\/\/.*https:\/\//m);
      const { agent, file } = await forged((real) => [{ url }, { url: real }]);
      const inv = techInvitation(file, ['--relay', url]);
      expect(await inv.exitCode()).toBe(2);
      expect(inv.stderrLines.join('\n')).toMatch(/^error: TANDEM_ERR_BAD_INPUT --relay: .*http:\/\/.*https:\/\//m);
      expect(server.untouched).toBe(true);
      agent.kill('SIGINT');
      await agent.exitCode();
    } finally {
      await server.close();
    }
  });
});
