/**
 * The Wine harness: a Wine prefix per test file on an Xvfb display
 * (`WinePrefix`), Windows programs run with their output in files and lines
 * sent to their console (`WineProc`), and a small Windows test program that
 * records its input (`TestWindow`).
 */
export * from './test-window.js';
export * from './wine-prefix.js';
export * from './wine-process.js';
