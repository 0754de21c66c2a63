/** Flags for Debian's Chromium driven by playwright-core in the console's browser tests. */
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
