/**
 * What the relay serves besides its API, over HTTP: the customer's support
 * page at `/` (its assets under `/support/`), the help desk's logo at
 * `/help-desk/logo` with its media type, the help desk in `/api/info`, and
 * the console at `/console/`. Every answer carries the relay's
 * Content-Security-Policy. (The page itself, in Chromium:
 * packages/support-page/test.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, RelayFixture } from '@tandem/test-kit';
import { contentSecurityPolicy } from '../src/console-static.js';

const LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#c0392b"/></svg>\n';

/** The assets an HTML page names (`src="/…"`, `href="/…"` of scripts and stylesheets). */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1] ?? '');
}

describe('the relay with a help desk', () => {
  const relay = new RelayFixture();
  let logoFile = '';

  beforeAll(async () => {
    logoFile = join(relay.dir, 'logo.svg');
    writeFileSync(logoFile, LOGO);
    await relay.start(['--help-desk-name', 'Acme サポート', '--help-desk-phone', '+81 3-1234-5678', '--help-desk-logo', logoFile]);
  });
  afterAll(() => relay.stop());

  it('serves the support page at / and its assets under /support/, all with the CSP of everything it serves', async () => {
    const page = await api(relay, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    // It names its assets by their hashed names: a browser asks again each time, so a new build shows at once.
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toBe(contentSecurityPolicy(relay.url));
    expect(page.body).toContain('<div id="app"></div>');
    const assets = assetsOf(page.body);
    expect(assets.length).toBe(2);
    for (const path of assets) {
      expect(path.startsWith('/support/'), path).toBe(true);
      const asset = await api(relay, 'GET', path);
      expect(asset.status, path).toBe(200);
      expect(asset.headers['content-type'], path).toMatch(path.endsWith('.js') ? /^(text|application)\/javascript/ : /^text\/css/);
      expect(asset.headers['content-security-policy'], path).toBe(contentSecurityPolicy(relay.url));
    }
    expect((await api(relay, 'HEAD', '/')).status).toBe(200);
    expect((await api(relay, 'GET', '/support/nothing.js')).json?.code).toBe('TANDEM_ERR_NOT_FOUND');
  });

  it("serves the help desk's logo at /help-desk/logo with its media type, and /api/info describes the help desk", async () => {
    const logo = await fetch(new URL('/help-desk/logo', relay.url));
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toBe('image/svg+xml');
    expect(logo.headers.get('content-security-policy')).toBe(contentSecurityPolicy(relay.url));
    expect(Buffer.from(await logo.arrayBuffer()).equals(readFileSync(logoFile))).toBe(true);
    expect((await api(relay, 'GET', '/api/info')).json?.helpDesk).toEqual({ name: 'Acme サポート', phone: '+81 3-1234-5678', logo: '/help-desk/logo' });
  });

  it('serves the console at /console/, and /console redirects there', async () => {
    const bare = await api(relay, 'GET', '/console');
    expect(bare.status).toBe(308);
    expect(bare.headers.location).toBe('/console/');
    const index = await api(relay, 'GET', '/console/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['content-security-policy']).toBe(contentSecurityPolicy(relay.url));
    expect(index.body).toContain('<div id="root"></div>');
    const assets = assetsOf(index.body);
    expect(assets.length).toBeGreaterThan(0);
    for (const path of assets) {
      expect(path.startsWith('/console/assets/'), path).toBe(true);
      expect((await api(relay, 'GET', path)).status, path).toBe(200);
    }
  });
});

describe('the relay without a help desk', () => {
  const relay = new RelayFixture();
  beforeAll(() => relay.start());
  afterAll(() => relay.stop());

  it('serves the support page all the same, with no help desk in /api/info and no logo', async () => {
    expect((await api(relay, 'GET', '/')).status).toBe(200);
    const info = await api(relay, 'GET', '/api/info');
    expect(info.status).toBe(200);
    expect(info.json?.helpDesk).toBeUndefined();
    const logo = await api(relay, 'GET', '/help-desk/logo');
    expect(logo.status).toBe(404);
    expect(logo.json?.code).toBe('TANDEM_ERR_NOT_FOUND');
  });
});
