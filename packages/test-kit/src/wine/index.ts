/**
 * The Wine harness: a Wine prefix per test file on an Xvfb display
 * (`WinePrefix`), Windows programs run with their output in files and lines
 * sent to their console (`WineProc`), a small Windows test program that
 * records its input (`TestWindow`), and the Windows agent's whole test stand
 * (`startWindowsStand`: Xvfb, prefix, relay, customer, the downloaded agent).
 */
export * from './test-window.js';
export * from './wine-prefix.js';
export * from './wine-process.js';
export * from './windows-stand.js';
