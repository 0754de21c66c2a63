#!/usr/bin/env node
// The built-in screen engine as a standalone RFB server for the screen
// benchmark: X11Desktop on $DISPLAY, startRfbServer over TCP with a VNC
// password, from packages/agent/dist (build first). Prints "port: N" when
// listening; stops on SIGTERM or when stdin closes.
// Usage: DISPLAY=:N engine-server.mjs PASSWORD
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const DIST = resolve(import.meta.dirname, '../../packages/agent/dist');
const { X11Desktop } = await import(pathToFileURL(`${DIST}/desktop/x11-desktop.js`).href);
const { startRfbServer } = await import(pathToFileURL(`${DIST}/rfb-server/rfb-server.js`).href);

const password = process.argv[2];
if (!password) throw new Error('usage: engine-server.mjs PASSWORD');
const desktop = await X11Desktop.open({ display: process.env.DISPLAY });
const server = await startRfbServer({ desktop, listen: { host: '127.0.0.1', port: 0 }, password });
console.log(`port: ${server.port}`);
const stop = async () => {
  // Xvfb may already be gone, and then the X connection never answers: do not wait for it.
  setTimeout(() => process.exit(0), 1000).unref();
  await server.close();
  await desktop.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
