#!/usr/bin/env node
// Captures real RFB server streams from x11vnc and TigerVNC's Xvnc into
// packages/rfb/src/rect-framers/fixtures/*.json, for the unit tests of the
// server-message reader and its rectangle framers (npm run build first).
//
// Each capture is what one server sent a plain RFB 3.8 client after
// ServerInit: the updates answering its requests in the encodings and pixel
// format the case asks for, then a ServerCutText holding a marker that the
// script put on the X display's clipboard. The marker is found in the bytes
// by a plain search, independently of the reader: a reader that frames
// every message before it correctly lands exactly on that ServerCutText.
//
//   node scripts/capture-rfb-fixtures.mjs            # all cases
//   node scripts/capture-rfb-fixtures.mjs tigervnc-zrle
import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteQueue, ENCODING, encodeClientMessage, encodePixelFormat } from '@tandem/rfb';

const OUT = new URL('../packages/rfb/src/rect-framers/fixtures/', import.meta.url).pathname;
const W = 320, H = 200;
const COMPRESS = (n) => ENCODING.CompressLevel0 + n;
const QUALITY = (n) => ENCODING.QualityLevel0 + n;
/** 16 bits per pixel, RGB 5-6-5, little-endian: TPIXEL and Raw pixels of 2 bytes. */
const RGB565 = { bitsPerPixel: 16, depth: 16, bigEndian: false, trueColour: true, redMax: 31, greenMax: 63, blueMax: 31, redShift: 11, greenShift: 5, blueShift: 0 };
/** 8 bits per pixel with a colour map: the server answers with SetColourMapEntries (RFC 6143 §7.6.2). */
const COLOUR_MAP_8 = new Uint8Array([8, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

/**
 * The cases: which server, pixel format, encodings, first request, and what
 * happens on the desktop before the second request (`then`).
 */
const CASES = [
  { name: 'x11vnc-raw-bell', server: 'x11vnc', encodings: [ENCODING.Raw], region: [4, 4, 24, 12], then: 'bell' },
  { name: 'x11vnc-raw-rgb565', server: 'x11vnc', format: RGB565, encodings: [ENCODING.Raw], region: [4, 4, 24, 12] },
  { name: 'x11vnc-colour-map', server: 'x11vnc', formatBytes: COLOUR_MAP_8, encodings: [ENCODING.Raw], region: [4, 4, 16, 8] },
  { name: 'x11vnc-zlib-cursor', server: 'x11vnc', encodings: [ENCODING.Zlib, ENCODING.Cursor, COMPRESS(6)], region: [0, 0, 160, 100] },
  { name: 'x11vnc-zrle-lastrect', server: 'x11vnc', encodings: [ENCODING.ZRLE, ENCODING.LastRect, ENCODING.Cursor], region: [0, 0, 160, 100] },
  { name: 'x11vnc-tight', server: 'x11vnc', encodings: [ENCODING.Tight, ENCODING.LastRect, COMPRESS(6)], region: [100, 0, 220, 120] },
  { name: 'x11vnc-tight-jpeg', server: 'x11vnc', encodings: [ENCODING.Tight, ENCODING.LastRect, COMPRESS(6), QUALITY(5)], region: [100, 0, 220, 120] },
  { name: 'x11vnc-tight-rgb565', server: 'x11vnc', format: RGB565, encodings: [ENCODING.Tight, ENCODING.LastRect, COMPRESS(1)], region: [100, 0, 220, 120] },
  { name: 'x11vnc-desktop-size', server: 'x11vnc', encodings: [ENCODING.Raw, ENCODING.DesktopSize], region: [0, 0, 8, 8], then: 'resize', last: true },
  { name: 'tigervnc-tight-cursor', server: 'tigervnc', encodings: [ENCODING.Tight, ENCODING.Cursor, ENCODING.LastRect, COMPRESS(6)], region: [100, 0, 220, 120] },
  { name: 'tigervnc-tight-jpeg', server: 'tigervnc', encodings: [ENCODING.Tight, ENCODING.LastRect, COMPRESS(2), QUALITY(6)], region: [100, 0, 220, 120] },
  { name: 'tigervnc-tight-rgb565', server: 'tigervnc', format: RGB565, encodings: [ENCODING.Tight, ENCODING.LastRect, COMPRESS(2)], region: [100, 0, 220, 120] },
  { name: 'tigervnc-zrle', server: 'tigervnc', encodings: [ENCODING.ZRLE, ENCODING.LastRect], region: [0, 0, 160, 100] },
  { name: 'tigervnc-copyrect', server: 'tigervnc', encodings: [ENCODING.CopyRect, ENCODING.ZRLE, ENCODING.LastRect], region: [0, 0, W, H], then: 'move' },
  { name: 'tigervnc-extended-desktop-size', server: 'tigervnc', encodings: [ENCODING.Raw, ENCODING.ExtendedDesktopSize, ENCODING.DesktopSize], region: [0, 0, 8, 8], then: 'resize', last: true },
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const procs = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function freeDisplay() {
  for (let n = 240; n < 290; n++) if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`)) return n;
  throw new Error('no free X display number in :240-:289');
}

function x(display, cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { env: { ...process.env, DISPLAY: display }, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

function bg(display, cmd, args) {
  const p = spawn(cmd, args, { env: { ...process.env, DISPLAY: display }, stdio: ['pipe', 'ignore', 'ignore'] });
  procs.push(p);
  return p;
}

async function waitPort(port) {
  for (let i = 0; i < 150; i++) {
    const ok = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on ${port}`);
}

/** A desktop to capture: solid background, a coloured xterm (text: palettes), a plasma image (photographic: full colour, JPEG). */
async function furnish(display, dir) {
  x(display, '/usr/bin/xsetroot', ['-solid', '#336699']);
  bg(display, '/usr/bin/xterm', ['-geometry', '40x12+0+0', '-e', '/bin/sh', '-c', "printf '\\033[41m red \\033[42m green \\033[44m blue \\033[0m\\n'; ls /usr/bin | head -n 8; exec /bin/sh"]);
  const png = join(dir, 'plasma.png');
  x(display, '/usr/bin/convert', ['-size', '96x72', '-seed', '7', 'plasma:fractal', png]);
  bg(display, '/usr/bin/display', ['-geometry', '+210+10', png]);
  await sleep(1500);
}

async function startServers(dir) {
  const servers = {};
  // x11vnc on an Xvfb, no password; -xrandr so a resize is sent as DesktopSize.
  const n1 = freeDisplay();
  bg(`:${n1}`, '/usr/bin/Xvfb', [`:${n1}`, '-screen', '0', `${W}x${H}x24`, '-nolisten', 'tcp']);
  await sleep(800);
  await furnish(`:${n1}`, dir);
  const p1 = await freePort();
  bg(`:${n1}`, '/usr/bin/x11vnc', ['-display', `:${n1}`, '-rfbport', String(p1), '-localhost', '-forever', '-shared', '-nopw', '-quiet', '-xrandr', 'newfbsize']);
  await waitPort(p1);
  servers.x11vnc = { display: `:${n1}`, port: p1, version: spawnSync('/usr/bin/x11vnc', ['-version']).stdout.toString().trim() };
  // TigerVNC's Xvnc, security None.
  const n2 = freeDisplay();
  const p2 = await freePort();
  bg(`:${n2}`, '/usr/bin/Xtigervnc', [`:${n2}`, '-geometry', `${W}x${H}`, '-depth', '24', '-SecurityTypes', 'None', '-rfbport', String(p2), '-localhost', '-nolisten', 'tcp']);
  await waitPort(p2);
  await furnish(`:${n2}`, dir);
  servers.tigervnc = { display: `:${n2}`, port: p2, version: spawnSync('/usr/bin/Xtigervnc', ['-version']).stderr.toString().split('\n').find((l) => l.includes('TigerVNC'))?.trim() ?? 'TigerVNC Xvnc' };
  return servers;
}

/** A plain RFB 3.8 client, security None. */
async function client(port) {
  const s = connect(port, '127.0.0.1');
  const q = new ByteQueue();
  s.on('data', (c) => q.push(c));
  const need = async (n) => { for (let i = 0; !q.has(n); i++) { if (i > 300) throw new Error(`waiting for ${n} bytes`); await sleep(20); } };
  await need(12); q.skip(12);
  s.write('RFB 003.008\n');
  await need(1); const n = q.peekU8(0); await need(1 + n);
  if (!q.take(1 + n).subarray(1).includes(1)) throw new Error('no security None');
  s.write(Uint8Array.of(1));
  await need(4); if (q.peekU32(0) !== 0) throw new Error('security failed'); q.skip(4);
  s.write(Uint8Array.of(1));
  await need(24); const nameLength = q.peekU32(20); await need(24 + nameLength);
  const init = q.take(24 + nameLength);
  return { s, q, init, send: (m) => s.write(encodeClientMessage(m)) };
}

async function capture(c, server) {
  const { s, q, init, send } = await client(server.port);
  const formatBytes = c.formatBytes ?? (c.format ? encodePixelFormat(c.format) : init.subarray(4, 20));
  if (c.format || c.formatBytes) {
    const b = new Uint8Array(20);
    b.set(formatBytes, 4);
    s.write(b);
  }
  send({ type: 'SetEncodings', encodings: c.encodings });
  const [rx, ry, rw, rh] = c.region;
  send({ type: 'FramebufferUpdateRequest', incremental: false, x: rx, y: ry, w: rw, h: rh });
  await sleep(1200);
  if (c.then === 'bell') {
    x(server.display, '/usr/bin/xdotool', ['mousemove', '20', '20']);
    x(server.display, '/usr/bin/xdotool', ['type', '--delay', '30', "printf '\\a'\n"]);
  } else if (c.then === 'move') {
    const ids = spawnSync('/usr/bin/xdotool', ['search', '--class', 'xterm'], { env: { ...process.env, DISPLAY: server.display } }).stdout.toString().trim().split('\n');
    x(server.display, '/usr/bin/xdotool', ['windowmove', ids[0], '24', '16']);
  } else if (c.then === 'resize') {
    if (c.server === 'tigervnc') {
      x(server.display, '/usr/bin/xrandr', ['--fb', `${W + 16}x${H + 8}`]);
    } else {
      // Xvfb's screen cannot grow past its start size: add a smaller mode and switch to it.
      const mode = `${W - 16}x${H - 8}`;
      x(server.display, '/usr/bin/xrandr', ['--newmode', mode, '0', String(W - 16), '0', '0', '0', String(H - 8), '0', '0', '0']);
      x(server.display, '/usr/bin/xrandr', ['--addmode', 'screen', mode]);
      x(server.display, '/usr/bin/xrandr', ['-s', mode]);
    }
  }
  if (c.then) {
    await sleep(600);
    send({ type: 'FramebufferUpdateRequest', incremental: true, x: rx, y: ry, w: rw, h: rh });
    await sleep(1500);
  }
  const marker = `TANDEM-FIXTURE-${c.name}-${Date.now()}`;
  if (c.server === 'x11vnc') x(server.display, '/usr/bin/xclip', ['-selection', 'buffer-cut'], { input: marker });
  const owner = c.server === 'tigervnc' ? bg(server.display, '/usr/bin/xclip', ['-selection', 'clipboard', '-t', 'STRING', '-quiet']) : null;
  owner?.stdin.end(marker);
  const needle = Buffer.from(marker, 'latin1');
  for (let i = 0; ; i++) {
    const at = Buffer.from(q.peekBytes(q.length)).indexOf(needle);
    if (at >= 0) {
      const stream = q.peekBytes(at + needle.length);
      s.destroy();
      owner?.kill();
      return { server: server.version, pixelFormat: Buffer.from(formatBytes).toString('hex'), encodings: c.encodings, marker, stream: Buffer.from(stream).toString('base64') };
    }
    if (i > 200) throw new Error(`${c.name}: the marker did not arrive`);
    await sleep(50);
  }
}

const only = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'tandem-fixtures-'));
try {
  mkdirSync(OUT, { recursive: true });
  const servers = await startServers(dir);
  for (const c of [...CASES.filter((k) => !k.last), ...CASES.filter((k) => k.last)]) {
    if (only.length > 0 && !only.includes(c.name)) continue;
    const fixture = await capture(c, servers[c.server]);
    writeFileSync(join(OUT, `${c.name}.json`), JSON.stringify({ name: c.name, ...fixture }, null, 1) + '\n');
    console.log(`${c.name}: ${Buffer.from(fixture.stream, 'base64').length} bytes from ${fixture.server}`);
  }
} finally {
  for (const p of procs.reverse()) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

