/**
 * Reaching the relay through HTTP proxies (issue 12), inside a network
 * namespace of the test's own where a packet filter lets only squid's user
 * reach the relay's port: a session works only through the proxy. Both
 * sides pin the relay's certificate; TLS runs inside the CONNECT tunnel.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentHome, ProxyLab, type Proc, type Squid } from '@tandem/test-kit';

/** A chat round trip between `tech` and a joined agent, then both end cleanly. */
async function chatThrough(tech: Proc, agent: Proc, text: string): Promise<void> {
  await agent.waitFor(/\[y\/n\]$/, 30_000, 'err');
  agent.send('y');
  await tech.waitFor(/^event: accepted chat$/, 30_000);
  tech.send(text);
  await agent.waitFor(new RegExp(`^chat: ${text}$`), 20_000);
  tech.endInput();
  expect(await tech.exitCode()).toBe(0);
  expect(await agent.exitCode()).toBe(0);
}

describe('through squid, only squid reaching the relay', () => {
  const lab = new ProxyLab();
  const home = new AgentHome();
  let pw = '';
  let squid: Squid;

  beforeAll(async () => {
    pw = await lab.start();
    squid = await lab.squid({ port: 3128 });
  }, 90_000);
  afterAll(async () => {
    await lab.stop();
    home.remove();
  });

  it('has no way to the relay but the proxy: without one, the agent fails and writes a report naming each step', async () => {
    const agent = lab.join('12345678', home.env());
    expect(await agent.exitCode()).not.toBe(0);
    const err = agent.stderrLines.join('\n');
    expect(err).toMatch(/TANDEM_ERR_RELAY_UNREACHABLE/);
    const reportLine = agent.lines.find((l) => l.startsWith('report: '));
    expect(reportLine).toBeDefined();
    const report = readFileSync(reportLine!.slice('report: '.length), 'utf8');
    for (const step of ['policy', 'proxy file', 'environment', 'PAC', 'Chosen: direct -> DIRECT', 'DNS:', 'TCP:', 'Proxy:', 'TLS:', 'WebSocket:', 'ECONNREFUSED']) {
      expect(report).toContain(step);
    }
    expect(report).not.toContain('12345678');
  });

  it('carries a session when both sides find squid in the environment', async () => {
    const env = { HTTPS_PROXY: squid.url() };
    const tech = lab.tech(pw, env);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/, 30_000))[1]!;
    const agent = lab.join(code, home.env(env));
    await chatThrough(tech, agent, 'through squid');
    expect(squid.accessLog()).toMatch(/CONNECT 127\.0\.0\.1:8443/);
  });
});
