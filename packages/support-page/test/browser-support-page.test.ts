/**
 * The customer's support page in Chromium, on real relay processes: the help
 * desk's name, phone number and logo (and the neutral page of a relay
 * without them), English and Japanese (the browser's language first, the
 * switch, the choice remembered), the visitor's system detected from the
 * User-Agent Client Hints or the User-Agent string and its download offered
 * first, the download links at exactly the relay's paths (and a plain word
 * when one is missing), no form or box anywhere (the page never asks for the
 * code), and the relay's CSP, which nothing on the page violates.
 *
 * The download routes (`/download/…`) are served by the relay's agent
 * downloads, which this relay may not have built: the tests that need a
 * download present or absent play those two paths in the browser
 * (page.route); the others check the page against what the real relay
 * answers.
 *
 * With TANDEM_SCREENSHOTS=DIR the page is also photographed into DIR: at
 * 1280x800 and 390x844 in both languages, and the neutral page.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { AGENT_DOWNLOADS, AGENT_PLATFORMS, type AgentPlatform } from '@tandem/protocol';
import { contentSecurityPolicy } from '@tandem/relay';
import { encodePng } from '@tandem/tech';
import { launchChromium, presentAs, recordCspViolations, RelayFixture, type BrowserIdentity } from '@tandem/test-kit';

const UA = {
  windows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  linux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  mac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  android: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
};

const DESK = 'Acme サポート';
const PHONE = '+81 3-1234-5678';
const LOGO_SIZE = { width: 120, height: 40 };

/** How a test opens the page. */
interface Visit {
  locale?: string;
  /** Playwright's own User-Agent option (it derives the Client Hints from the string). */
  context?: BrowserContextOptions;
  /** A User-Agent string and Client Hints set apart (presentAs). */
  identity?: BrowserIdentity;
  /** Downloads the relay is played to have: platform → size in bytes; the others answer 404. */
  downloads?: Partial<Record<AgentPlatform, number>>;
}

/** Plays the relay's download routes in `page`: HEAD and GET of each path, 200 with a body of `size` bytes, else 404 as a relay without the agent. */
async function playDownloads(page: Page, sizes: Partial<Record<AgentPlatform, number>>): Promise<void> {
  await page.route('**/download/**', async (route) => {
    const path = new URL(route.request().url()).pathname;
    const platform = AGENT_PLATFORMS.find((p) => AGENT_DOWNLOADS[p].path === path);
    const size = platform === undefined ? undefined : sizes[platform];
    if (platform === undefined || size === undefined) {
      await route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ code: 'TANDEM_ERR_NOT_FOUND', message: `No such resource: ${path}` }) });
      return;
    }
    await route.fulfill({
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${AGENT_DOWNLOADS[platform].file}"`, 'content-length': String(size) },
      body: route.request().method() === 'HEAD' ? '' : Buffer.alloc(size),
    });
  });
}

/** The downloads the page shows, in order: `offer testid state` (offer: primary or other). */
function offers(page: Page): Promise<string[]> {
  return page.locator('[data-offer]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-offer')} ${e.getAttribute('data-testid')} ${e.getAttribute('data-state')}`));
}

describe('the support page of a relay with a help desk', () => {
  const relay = new RelayFixture();
  let browser: Browser;

  /** Opens the support page as `visit` says and waits until every download has been checked. */
  async function open(visit: Visit = {}): Promise<Page> {
    const context = await browser.newContext({ locale: visit.locale ?? 'en-US', ...visit.context });
    const page = await context.newPage();
    if (visit.identity !== undefined) await presentAs(page, visit.identity);
    if (visit.downloads !== undefined) await playDownloads(page, visit.downloads);
    await page.goto(`${relay.url}/`);
    await page.locator('[data-testid=step-download]').waitFor();
    // The first request of a relay stamps its agents (over 200 MB written once, docs/agent-file.md): a readiness wait, not a timing.
    await expect.poll(() => page.locator('[data-state=checking]').count(), { timeout: 60_000 }).toBe(0);
    return page;
  }

  beforeAll(async () => {
    const logo = join(relay.dir, 'logo.png');
    // An orange mark with a white band, as a help desk's logo might be.
    const pixels = Buffer.alloc(LOGO_SIZE.width * LOGO_SIZE.height * 3);
    for (let i = 0; i < LOGO_SIZE.width * LOGO_SIZE.height; i++) {
      const y = Math.floor(i / LOGO_SIZE.width);
      pixels.set(y >= 16 && y < 24 ? [0xff, 0xff, 0xff] : [0xd3, 0x54, 0x00], i * 3);
    }
    writeFileSync(logo, encodePng(LOGO_SIZE.width, LOGO_SIZE.height, 3, pixels));
    await relay.start(['--help-desk-name', DESK, '--help-desk-phone', PHONE, '--help-desk-logo', logo]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await relay.stop();
  });

  it("shows the help desk's name, phone number and logo", async () => {
    const page = await open();
    expect(await page.locator('[data-testid=help-desk-name]').textContent()).toBe(DESK);
    expect(await page.locator('h1').textContent()).toBe(`Get help from ${DESK}`);
    expect(await page.title()).toBe(`${DESK} remote support`);
    const phone = page.locator('[data-testid=help-desk-phone]');
    expect(await phone.textContent()).toBe(PHONE);
    expect(await phone.getAttribute('href')).toBe('tel:+81-3-1234-5678');
    // The logo the relay was given, decoded by the browser from the relay's fixed path.
    const logo = page.locator('[data-testid=help-desk-logo]');
    expect(await logo.getAttribute('src')).toBe('/help-desk/logo');
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => `${img.naturalWidth}x${img.naturalHeight}`)).toBe(`${LOGO_SIZE.width}x${LOGO_SIZE.height}`);
    await page.context().close();
  });

  it("starts in the browser's language, switches, and remembers the choice", async () => {
    const page = await open({ locale: 'ja-JP' });
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    expect(await page.locator('h1').textContent()).toBe(`${DESK}のサポートを受ける`);
    expect(await page.locator('#download-title').textContent()).toBe('1Tandem をダウンロード');
    expect(await page.locator('[data-testid=lang-ja]').getAttribute('aria-pressed')).toBe('true');

    await page.locator('[data-testid=lang-en]').click();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe(`Get help from ${DESK}`);
    expect(await page.locator('#download-title').textContent()).toBe('1Download Tandem');
    expect(await page.locator('[data-testid=lang-en]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('[data-testid=lang-ja]').getAttribute('aria-pressed')).toBe('false');
    // The page is drawn anew; the keyboard focus stays on the button pressed.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lang-en');

    // Remembered in this browser, over its Japanese preference.
    await page.reload();
    await page.locator('[data-testid=step-download]').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe(`Get help from ${DESK}`);
    await page.context().close();

    // Another browser (no memory of that choice) starts in its own language again; an English one in English.
    const other = await open({ locale: 'ja-JP' });
    expect(await other.locator('html').getAttribute('lang')).toBe('ja');
    await other.context().close();
    const english = await open({ locale: 'en-GB' });
    expect(await english.locator('html').getAttribute('lang')).toBe('en');
    expect(await english.locator('h1').textContent()).toBe(`Get help from ${DESK}`);
    await english.context().close();
  });

  it.each<[string, Visit, string[], string | undefined]>([
    ['Windows, by Playwright\'s User-Agent (its Client Hints follow the string)', { context: { userAgent: UA.windows } }, ['primary download-windows', 'other download-linux'], undefined],
    ['Windows, by the User-Agent string alone (no Client Hints)', { identity: { userAgent: UA.windows } }, ['primary download-windows', 'other download-linux'], undefined],
    ['Linux, by the User-Agent string alone (no Client Hints)', { identity: { userAgent: UA.linux } }, ['primary download-linux', 'other download-windows'], undefined],
    [
      'Windows, by Client Hints over a User-Agent string that says Linux',
      { identity: { userAgent: UA.linux, clientHints: { platform: 'Windows', mobile: false } } },
      ['primary download-windows', 'other download-linux'],
      undefined,
    ],
    [
      'Linux, by Client Hints over a User-Agent string that says Windows',
      { identity: { userAgent: UA.windows, clientHints: { platform: 'Linux', mobile: false } } },
      ['primary download-linux', 'other download-windows'],
      undefined,
    ],
    ['macOS', { context: { userAgent: UA.mac } }, ['other download-windows', 'other download-linux'], 'there is no version for Mac yet'],
    [
      'a phone',
      { context: { userAgent: UA.android, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }, identity: { userAgent: UA.android, clientHints: { platform: 'Android', mobile: true } } },
      ['other download-windows', 'other download-linux'],
      'open this page on the computer you need help with',
    ],
  ])('offers the download for the visitor\'s system first: %s', async (_what, visit, expected, note) => {
    const page = await open({ ...visit, downloads: { windows: 48_123_456, linux: 61_000_000 } });
    expect((await offers(page)).map((o) => o.split(' ').slice(0, 2).join(' '))).toEqual(expected);
    if (note === undefined) {
      expect(await page.locator('[data-testid=device-note]').count()).toBe(0);
      // Its own instructions only: the other system's are left out.
      const run = (await page.locator('[data-testid=step-run]').textContent()) ?? '';
      const own = expected[0]?.includes('windows') ? 'windows' : 'linux';
      expect(run).toContain(AGENT_DOWNLOADS[own].file);
      expect(run).not.toContain(AGENT_DOWNLOADS[own === 'windows' ? 'linux' : 'windows'].file);
    } else {
      expect(await page.locator('[data-testid=device-note]').textContent()).toContain(note);
      expect(await page.locator('[data-testid=download-primary]').count()).toBe(0);
      // Both systems' instructions, each under its heading.
      expect(await page.locator('[data-testid=step-run] h3').allTextContents()).toEqual(['On Windows', 'On Linux']);
    }
    await page.context().close();
  });

  it("links to exactly the relay's download paths, the visitor's own as a large link that downloads", async () => {
    const page = await open({ context: { userAgent: UA.windows }, downloads: { windows: 48_123_456, linux: 61_000_000 } });
    expect(await offers(page)).toEqual(['primary download-windows available', 'other download-linux available']);
    const primary = page.locator('[data-testid=download-primary]');
    expect(await primary.evaluate((a) => a.tagName)).toBe('A');
    expect(await primary.getAttribute('href')).toBe('/download/tandem-windows-x64.exe');
    expect(await primary.textContent()).toBe('Download Tandem for Windows');
    expect(await page.locator('[data-testid=download-windows] .hint').first().textContent()).toBe('tandem-windows-x64.exe, for 64-bit computers, 48\u00a0MB');
    expect(await page.locator('[data-testid=download-linux] a').getAttribute('href')).toBe('/download/tandem-linux-x64');
    expect(await page.locator('a[href^="/download/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
      '/download/tandem-windows-x64.exe',
      '/download/tandem-linux-x64',
    ]);
    // A real link: clicking it downloads the file the relay serves.
    const [download] = await Promise.all([page.waitForEvent('download'), primary.click()]);
    expect(download.suggestedFilename()).toBe('tandem-windows-x64.exe');
    await page.context().close();
  });

  it('says plainly that a download is not available, and whom to call, instead of linking to an error', async () => {
    const page = await open({ context: { userAgent: UA.windows }, downloads: { linux: 61_000_000 } });
    expect(await offers(page)).toEqual(['primary download-windows missing', 'other download-linux available']);
    const missing = page.locator('[data-testid=download-windows]');
    expect(await missing.textContent()).toBe(`The download for Windows is not available on this server yet.Please call ${DESK} at ${PHONE}.`);
    expect(await missing.getAttribute('role')).toBe('status');
    expect(await page.locator('a[href="/download/tandem-windows-x64.exe"]').count()).toBe(0);
    expect(await page.locator('[data-testid=download-linux] a').getAttribute('href')).toBe('/download/tandem-linux-x64');
    await page.context().close();

    const linux = await open({ identity: { userAgent: UA.linux }, downloads: { linux: 61_000_000 } });
    expect(await offers(linux)).toEqual(['primary download-linux available', 'other download-windows missing']);
    expect(await linux.locator('[data-testid=download-windows]').textContent()).toBe('Windows (64-bit)not available on this server yet');
    expect(await linux.locator('a[href^="/download/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['/download/tandem-linux-x64']);
    await linux.context().close();
  });

  it('shows each download as the relay itself answers for it', async () => {
    // No played routes: the relay's own answer to HEAD, whatever this build has.
    const page = await open({ context: { userAgent: UA.windows } });
    for (const platform of AGENT_PLATFORMS) {
      const { path } = AGENT_DOWNLOADS[platform];
      const answer = await fetch(new URL(path, relay.url), { method: 'HEAD' });
      const state = await page.locator(`[data-testid=download-${platform}]`).getAttribute('data-state');
      expect(state, path).toBe(answer.ok ? 'available' : 'missing');
      expect(await page.locator(`a[href="${path}"]`).count(), path).toBe(answer.ok ? 1 : 0);
    }
    await page.context().close();
  });

  it('has no form, no box and no request that could carry a code: it never asks for the session code', async () => {
    const visits: Visit[] = [{ context: { userAgent: UA.windows } }, { locale: 'ja-JP', identity: { userAgent: UA.linux } }, { context: { userAgent: UA.mac } }];
    for (const visit of visits) {
      const context = await browser.newContext({ locale: visit.locale ?? 'en-US', ...visit.context });
      const page = await context.newPage();
      if (visit.identity !== undefined) await presentAs(page, visit.identity);
      const requests: string[] = [];
      page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}${r.postData() === null ? '' : ' with a body'}`));
      await page.goto(`${relay.url}/`);
      await page.locator('[data-testid=step-download]').waitFor();
      // The first request of a relay stamps its agents (over 200 MB written once, docs/agent-file.md): a readiness wait, not a timing.
    await expect.poll(() => page.locator('[data-state=checking]').count(), { timeout: 60_000 }).toBe(0);
      await page.locator('[data-testid=lang-ja]').click();
      await page.locator('[data-testid=lang-en]').click();

      expect(await page.locator('form, input, textarea, select, [contenteditable]:not([contenteditable=false])').count()).toBe(0);
      // The only buttons are the language switch's.
      expect(await page.locator('button').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-testid')))).toEqual(['lang-en', 'lang-ja']);
      // And nothing it asks the relay for carries anything: the page, its assets, /api/info, the logo, the downloads' HEAD.
      expect(requests.filter((r) => !/^(GET|HEAD) \/(support\/[^ ]+|api\/info|help-desk\/logo|download\/[^ ]+)?$/.test(r))).toEqual([]);
      expect(requests.filter((r) => r.startsWith('HEAD ')).sort()).toEqual(['HEAD /download/tandem-linux-x64', 'HEAD /download/tandem-windows-x64.exe']);
      expect(await page.locator('[data-testid=code-never]').textContent()).toBe(
        'This page never asks for your session code. You type it only into Tandem, on your computer, so not even this server learns it.',
      );
      await context.close();
    }
  });

  it("is served with the relay's Content-Security-Policy, and nothing on the page violates it", async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const violations = await recordCspViolations(page);
    const response = await page.goto(`${relay.url}/`);
    expect(response?.headers()['content-security-policy']).toBe(contentSecurityPolicy(relay.url));
    await page.locator('[data-testid=step-download]').waitFor();
    // The first request of a relay stamps its agents (over 200 MB written once, docs/agent-file.md): a readiness wait, not a timing.
    await expect.poll(() => page.locator('[data-state=checking]').count(), { timeout: 60_000 }).toBe(0);
    await page.locator('[data-testid=lang-ja]').click();
    await page.locator('[data-testid=help-desk-logo]').waitFor();
    expect(await violations()).toEqual([]);
    // The recorder works: an inline script, which the policy forbids, is reported.
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
    });
    await expect.poll(violations).toEqual([`script-src-elem inline`]);
    expect(await page.evaluate(() => Reflect.get(window, 'inlineRan') === true)).toBe(false);
    await context.close();
  });

  it('forwards an old console link to the console, and leaves its own fragments alone', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${relay.url}/#main`);
    await page.locator('[data-testid=step-download]').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    // A console route typed into the address bar changes only the fragment: the page forwards that too.
    await page.evaluate(() => {
      window.location.hash = '#/signin';
    });
    await page.waitForURL(`${relay.url}/console/#/signin`);
    await page.locator('#username').waitFor();
    await context.close();

    // Forwarding replaces the support page in the history, so Back leaves rather than bouncing forward again.
    const fresh = await browser.newPage();
    await fresh.goto(`${relay.url}/#/signin`);
    expect(fresh.url()).toBe(`${relay.url}/console/#/signin`);
    await fresh.goBack();
    expect(fresh.url()).toBe('about:blank');
    await fresh.close();
  });

  it('fits 1280x800 and 390x844 in English and Japanese: nothing wider than the window; the PNGs go to TANDEM_SCREENSHOTS or a temporary folder', async () => {
    const asked = process.env.TANDEM_SCREENSHOTS ?? '';
    const wanted = asked !== '';
    const dir = wanted ? asked : mkdtempSync(join(tmpdir(), 'tandem-support-shots-'));
    // Without the variable the pictures are only taken (a screenshot that cannot be made fails), then removed.
    if (!wanted) onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(dir, { recursive: true });
    const shots: [string, Visit][] = [
      ['desktop-windows', { context: { userAgent: UA.windows, viewport: { width: 1280, height: 800 } }, downloads: { windows: 48_123_456, linux: 61_000_000 } }],
      ['desktop-windows-missing', { context: { userAgent: UA.windows, viewport: { width: 1280, height: 800 } } }],
      ['desktop-linux', { context: { viewport: { width: 1280, height: 800 } }, identity: { userAgent: UA.linux }, downloads: { windows: 48_123_456, linux: 61_000_000 } }],
      ['phone', { context: { userAgent: UA.android, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }, downloads: { windows: 48_123_456, linux: 61_000_000 } }],
      ['phone-windows', { context: { userAgent: UA.windows, viewport: { width: 390, height: 844 } }, downloads: { windows: 48_123_456, linux: 61_000_000 } }],
    ];
    for (const [name, visit] of shots) {
      for (const locale of ['en-US', 'ja-JP']) {
        const page = await open({ ...visit, locale });
        const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
        expect(widths.page, `${name} ${locale}`).toBeLessThanOrEqual(widths.window);
        // The window as the visitor first sees it, and the whole page.
        writeFileSync(join(dir, `${name}-${locale.slice(0, 2)}.png`), await page.screenshot());
        writeFileSync(join(dir, `${name}-${locale.slice(0, 2)}-full.png`), await page.screenshot({ fullPage: true }));
        await page.context().close();
      }
    }
  });
});

describe('the support page of a relay without a help desk', () => {
  const relay = new RelayFixture();
  let browser: Browser;
  beforeAll(async () => {
    await relay.start();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await relay.stop();
  });

  it('shows a neutral page: no name, no phone number, no logo, the technician to ask', async () => {
    for (const [locale, heading, ask] of [
      ['en-US', 'Get help with your computer', 'Please tell your technician.'],
      ['ja-JP', 'コンピューターのサポートを受ける', '担当の技術者にお知らせください。'],
    ] as const) {
      const context = await browser.newContext({ locale, userAgent: UA.windows });
      const page = await context.newPage();
      await playDownloads(page, {});
      await page.goto(`${relay.url}/`);
      await page.locator('[data-testid=step-download]').waitFor();
      // The first request of a relay stamps its agents (over 200 MB written once, docs/agent-file.md): a readiness wait, not a timing.
      await expect.poll(() => page.locator('[data-state=checking]').count(), { timeout: 60_000 }).toBe(0);
      expect(await page.locator('h1').textContent()).toBe(heading);
      expect(await page.locator('[data-testid=help-desk-name]').textContent()).toBe('Tandem');
      expect(await page.locator('.brand-mark').isVisible()).toBe(true);
      expect(await page.locator('[data-testid=help-desk-logo], [data-testid=help-desk-phone], .support-contact').count()).toBe(0);
      expect(await page.locator('[data-testid=download-windows]').textContent()).toContain(ask);
      const dir = process.env.TANDEM_SCREENSHOTS;
      // Screenshots for a person to look at, when asked for; the test's checks are above.
      if (dir !== undefined && dir !== '') {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `neutral-${locale.slice(0, 2)}-full.png`), await page.screenshot({ fullPage: true }));
      }
      await context.close();
    }
  });
});
