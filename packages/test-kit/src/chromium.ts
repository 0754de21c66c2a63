/** Debian's Chromium for browser tests, driven by playwright-core (`npm test` installs it). */
import { chromium, type Browser } from 'playwright-core';

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
