/** Debian's Chromium for browser tests, driven by playwright-core (`npm test` installs it). */
import { chromium, type Browser, type Page } from 'playwright-core';

/** Flags for Chromium in tests: headless, no sandbox (containers), nothing that phones home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Where the tests find Chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Launches Chromium with {@link CHROMIUM_ARGS}; the caller closes it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** How a browser presents itself to a page: its User-Agent string and, where it offers them, its Client Hints. */
export interface BrowserIdentity {
  userAgent: string;
  /**
   * What `navigator.userAgentData` says (UA-CH's low-entropy `platform` and
   * `mobile`). Left out, the page sees Client Hints that name no platform,
   * as a page learns nothing from a browser without them, and must go by
   * the User-Agent string.
   */
  clientHints?: { platform: string; mobile: boolean };
}

/**
 * Makes `page` present itself as `identity` from its next navigation on,
 * through the DevTools protocol (Emulation.setUserAgentOverride), so the
 * User-Agent string and the Client Hints can be set apart: Playwright's
 * `userAgent` option derives the hints from the string.
 */
export async function presentAs(page: Page, identity: BrowserIdentity): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const hints = identity.clientHints;
  await cdp.send('Emulation.setUserAgentOverride', {
    userAgent: identity.userAgent,
    ...(hints === undefined
      ? {}
      : { userAgentMetadata: { platform: hints.platform, platformVersion: '', architecture: 'x86', model: '', mobile: hints.mobile, brands: [{ brand: 'Chromium', version: '126' }] } }),
  });
}

/**
 * Records every Content-Security-Policy violation in `page` (the
 * `securitypolicyviolation` events, as `directive blocked-URI`) from its
 * next document on; the returned function reads what the current document
 * recorded.
 */
export async function recordCspViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    Reflect.set(window, '__cspViolations', seen);
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  return async () => page.evaluate(() => {
    const seen: unknown = Reflect.get(window, '__cspViolations');
    return Array.isArray(seen) ? seen.map(String) : ['(the recorder did not run in this document)'];
  });
}
