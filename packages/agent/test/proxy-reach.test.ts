/**
 * Reaching the relay through HTTP proxies (issue 12), inside a network
 * namespace of the test's own where a packet filter lets only squid's user
 * reach the relay's port: a session works only through the proxy. Both
 * sides pin the relay's certificate; TLS runs inside the CONNECT tunnel.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentHome, ProxyLab, filesUnder, type Proc, type Squid } from '@tandem/test-kit';

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
    for (const step of ['policy', 'proxy file', 'environment', 'PAC', 'WPAD', 'Chosen: direct -> DIRECT', 'DNS:', 'TCP:', 'Proxy:', 'TLS:', 'WebSocket:', 'ECONNREFUSED']) {
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

  it('finds squid from a PAC script served over HTTP, past its dead first proxy', async () => {
    const pac = await lab.servePac(8080, 'function FindProxyForURL(url, host) { return "PROXY 127.0.0.1:3999; PROXY 127.0.0.1:3128; DIRECT"; }');
    const tech = lab.tech(pw, {}, ['--pac', pac]);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/, 30_000))[1]!;
    const agent = lab.join(code, home.env(), ['--pac', pac]);
    await chatThrough(tech, agent, 'through the PAC');
  });

  it("finds squid from the manual proxy file in the user's Tandem folder", async () => {
    const config = join(home.dir, 'config');
    mkdirSync(join(config, 'tandem'), { recursive: true });
    writeFileSync(join(config, 'tandem', 'proxy.txt'), "# the help desk's proxy\nProxy=127.0.0.1:3999\nProxy=127.0.0.1:3128\n");
    const env = { XDG_CONFIG_HOME: config };
    const tech = lab.tech(pw, env);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/, 30_000))[1]!;
    const agent = lab.join(code, home.env(env));
    await chatThrough(tech, agent, 'through proxy.txt');
  });

  it('with Basic authentication: none or wrong credentials give a clear message, right ones work', async () => {
    const creds = { user: 'sato', password: 'pässword 1' };
    const authed = await lab.squid({ port: 3129, basicAuth: creds });
    const none = lab.join('12345678', home.env({ HTTPS_PROXY: authed.url() }));
    expect(await none.exitCode()).not.toBe(0);
    expect(none.stderrLines.join('\n')).toMatch(/TANDEM_ERR_PROXY_AUTH .*asks for a user name and password \(Basic\)/);
    const wrong = lab.join('12345678', home.env({ HTTPS_PROXY: authed.url({ user: 'sato', password: 'wrong' }) }));
    expect(await wrong.exitCode()).not.toBe(0);
    expect(wrong.stderrLines.join('\n')).toMatch(/TANDEM_ERR_PROXY_AUTH .*refused the user name and password/);
    const env = { HTTPS_PROXY: authed.url(creds) };
    const tech = lab.tech(pw, env);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/, 30_000))[1]!;
    const agent = lab.join(code, home.env(env));
    await chatThrough(tech, agent, 'signed in to squid');
    // The failed attempts wrote reports: they name the proxy and its 407, never the credentials tried.
    for (const p of [none, wrong]) {
      const report = p.lines.find((l) => l.startsWith('report: '));
      expect(report).toBeDefined();
      const text = readFileSync(report!.slice('report: '.length), 'utf8');
      expect(text).toContain('407');
      expect(text).not.toMatch(/pässword|p%C3%A4ssword|wrong|sato/);
    }
  });

  it('names the scheme of a proxy that asks only for NTLM, which Tandem does not speak, and what to ask IT', async () => {
    const ntlm = await lab.squid({ port: 3132, ntlmOnly: true });
    const agent = lab.join('12345678', home.env({ HTTPS_PROXY: ntlm.url() }));
    expect(await agent.exitCode()).not.toBe(0);
    const err = agent.stderrLines.join('\n');
    expect(err).toMatch(/TANDEM_ERR_PROXY_AUTH_UNSUPPORTED .*asks to sign in with NTLM, which Tandem does not speak \(only Basic\)/);
    expect(err).toContain('ask your IT department');
  });

  it("asks on the agent's page for the proxy's user name and password, then joins through it; the password is written nowhere", async () => {
    const creds = { user: 'sato', password: 'pässword 2 typed' };
    const authed = await lab.squid({ port: 3131, basicAuth: creds });
    const tech = lab.tech(pw, { HTTPS_PROXY: authed.url(creds) });
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/, 30_000))[1]!;
    // The customer's agent knows the proxy but not its password; the browser it opens is the test's.
    const agent = lab.agent([], home.env({ HTTPS_PROXY: authed.url(), BROWSER: '/bin/true' }));
    const url = (await agent.waitFor(/^page: (http:\/\/127\.0\.0\.1:\d+\/launch\/\S+)$/, 30_000))[1]!;
    const browser = await lab.chromium();
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.locator('[data-testid=code-input]').fill(code);
      await page.locator('[data-testid=code-submit]').click();
      await expect.poll(() => page.locator('[data-testid=code-error] [data-testid=error-code]').textContent(), { timeout: 30_000 }).toBe('TANDEM_ERR_PROXY_AUTH');
      await expect.poll(() => page.locator('[data-testid=proxy-form]').isVisible()).toBe(true);
      expect(await page.locator('[data-testid=proxy-title]').textContent()).toContain('127.0.0.1:3131');
      await page.fill('[data-testid=proxy-user]', creds.user);
      await page.fill('[data-testid=proxy-password]', creds.password);
      await page.click('[data-testid=proxy-submit]');
      await expect.poll(() => page.locator('[data-testid=proxy-saved]').isVisible()).toBe(true);
      await page.locator('[data-testid=code-input]').fill(code);
      await page.locator('[data-testid=code-submit]').click();
      await expect.poll(() => page.locator('[data-testid=accept]').isVisible(), { timeout: 30_000 }).toBe(true);
      await page.locator('[data-testid=accept]').click();
      await tech.waitFor(/^event: accepted chat$/, 30_000);
      tech.send('through the typed password');
      await expect.poll(() => page.locator('[data-testid=chat-log]').textContent(), { timeout: 20_000 }).toContain('through the typed password');
      tech.endInput();
      expect(await tech.exitCode()).toBe(0);
      expect(await agent.exitCode()).toBe(0);
    } finally {
      await browser.close();
    }
    // Squid carried the agent's tunnel once it had the typed credentials.
    expect(authed.accessLog()).toMatch(/CONNECT 127\.0\.0\.1:8443 .*sato/);
    // Never written to disk: nothing under the customer's home (state, report) holds the password.
    const written = filesUnder(home.dir).filter((f) => statSync(join(home.dir, f)).isFile());
    expect(written.some((f) => f.endsWith('.txt'))).toBe(true);
    for (const f of written) {
      const bytes = readFileSync(join(home.dir, f));
      expect(bytes.includes(Buffer.from(creds.password)), f).toBe(false);
      expect(bytes.includes(Buffer.from(encodeURIComponent(creds.password))), f).toBe(false);
    }
  });

  it('refuses a proxy that intercepts TLS (ssl-bump with its own CA), saying so plainly', async () => {
    const bump = await lab.squid({ port: 3130, sslBump: true });
    const agent = lab.join('12345678', home.env({ HTTPS_PROXY: bump.url() }));
    expect(await agent.exitCode()).not.toBe(0);
    const err = agent.stderrLines.join('\n');
    expect(err).toMatch(/TANDEM_ERR_TLS_INTERCEPTED .*inspects encrypted traffic/);
    expect(err).toContain('Tandem Test Inspection CA');
    expect(err).toContain('exempt 127.0.0.1:8443 from TLS inspection');
  });
});

describe('WPAD by DNS, where nothing else names the proxy', () => {
  const lab = new ProxyLab();
  const home = new AgentHome();
  let pw = '';
  let squid: Squid;

  beforeAll(async () => {
    pw = await lab.start();
    squid = await lab.squid({ port: 3128 });
    // The namespace's computers are in the DNS domain corp.test, whose
    // wpad.corp.test is the PAC server on port 80 (draft-ietf-wrec-wpad-01 §4.4.1).
    lab.ns.etcFile('resolv.conf', 'search corp.test\n');
    lab.ns.etcFile('hosts', '127.0.0.1 localhost wpad.corp.test\n::1 localhost\n');
    await lab.servePac(80, 'function FindProxyForURL(url, host) { return "PROXY 127.0.0.1:3128"; }');
  }, 90_000);
  afterAll(async () => {
    await lab.stop();
    home.remove();
  });

  it('finds squid from http://wpad.corp.test/wpad.dat and carries a session through it', async () => {
    const tech = lab.tech(pw, {});
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/, 30_000))[1]!;
    const agent = lab.join(code, home.env());
    await chatThrough(tech, agent, 'through WPAD');
    expect(squid.accessLog()).toMatch(/CONNECT 127\.0\.0\.1:8443/);
  });

  it('says in the report that WPAD was asked and what it answered, when the proxy it names is gone', async () => {
    squid.stop();
    const agent = lab.join('12345678', home.env());
    expect(await agent.exitCode()).not.toBe(0);
    const reportLine = agent.lines.find((l) => l.startsWith('report: '));
    expect(reportLine).toBeDefined();
    const report = readFileSync(reportLine!.slice('report: '.length), 'utf8');
    expect(report).toContain('WPAD http://wpad.corp.test/wpad.dat');
    expect(report).toContain('PROXY 127.0.0.1:3128');
  });
});

describe('NO_PROXY, where the relay may be reached directly', () => {
  const lab = new ProxyLab();
  const home = new AgentHome();
  let pw = '';

  beforeAll(async () => {
    pw = await lab.start({ direct: true });
  }, 90_000);
  afterAll(async () => {
    await lab.stop();
    home.remove();
  });

  it('sends the relay directly past a proxy that does not exist', async () => {
    const env = { https_proxy: 'http://127.0.0.1:3999', no_proxy: 'localhost,127.0.0.1' };
    const tech = lab.tech(pw, env);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/, 30_000))[1]!;
    const agent = lab.join(code, home.env(env));
    await chatThrough(tech, agent, 'directly');
  });
});
