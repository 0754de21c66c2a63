/**
 * The console uses only its own origin (issue 7, item 2): a forged copy of a
 * customer's invitation whose first relays are hostile servers run by this
 * test (HTTPS with its fingerprint in the file, and HTTP) and whose last is
 * the real relay, opened in a real browser. The session runs against the
 * console's own relay; the hostile servers see not one TCP connection, and
 * every request the page makes goes to the console's origin.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeInvitation, readInvitation } from '@tandem/protocol';
import { HostileServer, launchChromium, RelayFixture, selfSignedCertificate } from '@tandem/test-kit';

describe('the console and a forged invitation naming hostile relays first', () => {
  const relay = new RelayFixture();
  const hostileHttp = new HostileServer();
  let hostileHttps: HostileServer;
  let hostileFingerprint = '';
  let browser: Browser;
  const techPassword = 'console-pass-987654';

  beforeAll(async () => {
    await relay.start();
    await relay.addUser('sato', 'technician', techPassword, ['--display-name', 'Sato Aoi']);
    const tls = await selfSignedCertificate();
    hostileHttps = new HostileServer(tls);
    hostileFingerprint = tls.fingerprint;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hostileHttp.close();
    await hostileHttps?.close();
    await relay.stop();
  });

  it('connects through the console\'s own relay only; the hostile servers get no connection', async () => {
    const httpUrl = await hostileHttp.start();
    const httpsUrl = await hostileHttps.start();
    const agent = relay.agent(['invite', '--relay', relay.url, '--expires', '1h', '--name', 'Kim Abercrombie', '--out', `${relay.dir}/forged-base.tandem`, '--no-browser']);
    const file = (await agent.waitFor(/^invitation: (\S+)$/))[1]!;
    await agent.waitFor(/^event: holding /);
    const inv = readInvitation(readFileSync(file, 'utf8'));
    const forged = encodeInvitation({ ...inv, relays: [{ url: httpsUrl, fingerprint: hostileFingerprint }, { url: httpUrl }, { url: relay.url }] });

    const page = await browser.newPage();
    const origins = new Set<string>();
    page.on('request', (req) => origins.add(new URL(req.url()).origin));
    await page.goto(`${relay.url}/#/signin`);
    await page.locator('[data-testid=lang-en]').click();
    await page.fill('#username', 'sato');
    await page.fill('#password', techPassword);
    await page.click('[data-testid=signin]');
    await page.locator('[data-testid=new-session]').waitFor();
    await page.click('[data-testid=open-invitation]');
    await page.fill('#invitation-text', forged);
    await page.click('[data-testid=invitation-read]');
    const relays = page.locator('[data-testid=invitation-summary] [data-field=relays]');
    expect(await relays.textContent()).toContain(httpsUrl);
    await page.click('[data-testid=invitation-connect]');
    await agent.waitFor(/Sato Aoi/, 20_000, 'any');
    agent.send('y');
    await expect.poll(() => page.locator('[data-testid=session-status]').getAttribute('data-state'), { timeout: 20_000 }).toBe('active');
    await page.click('[data-testid=end-session]');
    expect(await agent.exitCode()).toBe(0);
    await page.close();

    expect({ connections: hostileHttp.connections, requests: hostileHttp.requests }).toEqual({ connections: 0, requests: [] });
    expect({ connections: hostileHttps.connections, requests: hostileHttps.requests }).toEqual({ connections: 0, requests: [] });
    expect([...origins]).toEqual([new URL(relay.url).origin]);
  });
});
