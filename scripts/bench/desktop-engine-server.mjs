#!/usr/bin/env node
// The built-in screen engine as a standalone RFB server for the Windows
// benchmark (scripts/bench-windows.mjs): startRfbServer over TCP with a VNC
// password, from packages/agent/dist (build first), on the platform's
// desktop driver: the Windows driver when run by Wine's node.exe (GDI,
// SendInput), X11Desktop on $DISPLAY otherwise. Writes "port: N" into
// PORT_FILE once listening (node.exe under Wine cannot write to a pipe);
// runs until killed.
// Usage: desktop-engine-server.mjs PASSWORD PORT_FILE
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const DIST = resolve(import.meta.dirname, '../../packages/agent/dist');
const [password, portFile] = process.argv.slice(2);
if (!password || !portFile) throw new Error('usage: desktop-engine-server.mjs PASSWORD PORT_FILE');
const { startRfbServer } = await import(pathToFileURL(`${DIST}/rfb-server/rfb-server.js`).href);
const desktop = process.platform === 'win32'
  ? await (await import(pathToFileURL(`${DIST}/desktop/windows/windows-desktop.js`).href)).WindowsDesktop.open()
  : await (await import(pathToFileURL(`${DIST}/desktop/x11-desktop.js`).href)).X11Desktop.open({ display: process.env.DISPLAY });
const server = await startRfbServer({ desktop, listen: { host: '127.0.0.1', port: 0 }, password });
writeFileSync(portFile, `port: ${server.port}\n`);
