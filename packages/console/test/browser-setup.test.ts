/**
 * The one-time set-up link in Chromium, through a reverse proxy that keeps
 * an access log, as nginx does: the link (`ORIGIN/#/setup/TOKEN`) holds the
 * token in its fragment, which browsers never send, and the console sends it
 * to the relay only in request bodies. So no request line and no header the
 * proxy sees, and logs, ever carries it, though the link goes first to the
 * support page at `/`, whose script forwards it to the console at
 * `/console/`.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, listeningPort, login, RelayFixture } from '@tandem/test-kit';

/** A reverse proxy to `upstream()` that logs each request's line and headers, as an access log would. */
function loggingProxy(upstream: () => URL, log: string[]): Server {
  return createServer((req, res) => {
    log.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)}`);
    const target = upstream();
    const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
}

describe('the set-up link behind a reverse proxy', () => {
  const relay = new RelayFixture();
  const log: string[] = [];
  let proxy: Server;
  let proxyUrl = '';
  let browser: Browser;

  beforeAll(async () => {
    proxy = loggingProxy(() => new URL(relay.url), log);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${listeningPort(proxy)}`;
    // Links name the proxy, as with --public-url behind a TLS-terminating proxy.
    await relay.start(['--public-url', proxyUrl]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await relay.stop();
  });

  it('sets the first password without the token ever reaching the proxy in a path or header', async () => {
    const link = relay.proc.lines.find((l) => l.startsWith('setup: '))?.slice('setup: '.length) ?? '';
    expect(link).toMatch(new RegExp(`^${proxyUrl}/#/setup/[A-Za-z0-9_-]{43}$`));
    const token = link.split('/#/setup/')[1] as string;

    const page = await browser.newPage();
    await page.goto(link);
    await page.locator('[data-testid=lang-en]').click();
    await expect.poll(() => page.locator('[data-testid=setup-username]').textContent(), { timeout: 15_000 }).toBe('admin');
    await page.fill('#display-name', 'Chief');
    await page.fill('#new-password', 'setup-through-proxy-123');
    await page.fill('#new-password-again', 'setup-through-proxy-123');
    await page.click('[data-testid=setup-submit]');
    await page.locator('#username').waitFor({ timeout: 15_000 });
    expect(await login(relay, 'admin', 'setup-through-proxy-123')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The set-up went through the proxy, and the token is in none of what it logged.
    expect(log.filter((l) => l.includes(token)).map((l) => l.slice(0, 80))).toEqual([]);
    expect(log.some((l) => l.startsWith('POST /api/setup/describe '))).toBe(true);
    expect(log.some((l) => l.startsWith('POST /api/setup/complete '))).toBe(true);
    // By way of the support page (`/`), forwarded to the console (`/console/`).
    expect(log.some((l) => l.startsWith('GET / '))).toBe(true);
    expect(log.some((l) => l.startsWith('GET /console/ '))).toBe(true);
  });
});
