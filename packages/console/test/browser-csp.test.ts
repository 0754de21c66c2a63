/**
 * The console's Content-Security-Policy in Chromium: a page of the console
 * (or a script injected into it) may open a WebSocket to the relay it came
 * from, under the relay's public name or another one it is reached by, and to
 * nothing else. And the set-up page refuses a display name with control or
 * bidirectional-override characters with a clear message, without spending
 * the link.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { api, launchChromium, listeningPort, login, RelayFixture } from '@tandem/test-kit';

describe('the console in Chromium', () => {
  const relay = new RelayFixture();
  let browser: Browser;
  let elsewhere: WebSocketServer;
  let elsewhereConnections = 0;

  beforeAll(async () => {
    elsewhere = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    elsewhere.on('connection', (socket) => {
      elsewhereConnections++;
      socket.close();
    });
    await new Promise<void>((resolve) => elsewhere.once('listening', () => resolve()));
    await relay.start();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => elsewhere.close(resolve));
    await relay.stop();
  });

  it('lets a console page open a WebSocket to its relay only, blocking another origin by CSP', async () => {
    const foreign = `ws://127.0.0.1:${listeningPort(elsewhere)}/`;
    // The relay's own name (its public URL), and another name it is reached by: that one only 'self' allows.
    for (const origin of [relay.url, relay.url.replace('127.0.0.1', 'localhost')]) {
      const page = await browser.newPage();
      await page.goto(`${origin}/#/signin`);
      const result = await page.evaluate(
        async ({ own, other }) => {
          const violations: string[] = [];
          document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
          const open = (url: string): Promise<string> =>
            new Promise((resolve) => {
              try {
                const ws = new WebSocket(url);
                ws.onopen = () => {
                  ws.close();
                  resolve('open');
                };
                ws.onerror = () => resolve('error');
              } catch (err) {
                resolve(`threw ${err instanceof Error ? err.name : String(err)}`);
              }
              setTimeout(() => resolve('timeout'), 5000);
            });
          const ownResult = await open(own);
          const otherResult = await open(other);
          await new Promise((r) => setTimeout(r, 200));
          return { own: ownResult, other: otherResult, violations };
        },
        { own: `${origin.replace(/^http/, 'ws')}/ws`, other: foreign },
      );
      expect(result.own, origin).toBe('open');
      expect(result.other, origin).not.toBe('open');
      expect(result.violations, origin).toEqual([`connect-src ${foreign}`]);
      await page.close();
    }
    expect(elsewhereConnections).toBe(0);
  });

  it('refuses a display name with a bidirectional override on the set-up page, and the link still works', async () => {
    const link = relay.proc.lines.find((l) => l.startsWith('setup: '))?.slice('setup: '.length) ?? '';
    const page = await browser.newPage();
    await page.goto(link);
    await page.locator('[data-testid=lang-en]').click();
    await expect.poll(() => page.locator('[data-testid=setup-username]').textContent(), { timeout: 15_000 }).toBe('admin');
    await page.fill('#display-name', 'Admin \u202Egnp.exe');
    await page.fill('#new-password', 'names-are-plain-123');
    await page.fill('#new-password-again', 'names-are-plain-123');
    await page.click('[data-testid=setup-submit]');
    await expect.poll(() => page.locator('[data-testid=setup-error]').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('[data-testid=setup-error]').textContent()).toMatch(/control characters or bidirectional-text characters/);
    await page.fill('#display-name', 'Admin Plain');
    await page.click('[data-testid=setup-submit]');
    await page.locator('#username').waitFor({ timeout: 15_000 });
    const token = await login(relay, 'admin', 'names-are-plain-123');
    expect((await api(relay, 'GET', '/api/me', { token })).json?.displayName).toBe('Admin Plain');
  });
});
