import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X11Desktop } from '../src/desktop/x11-desktop.js';
import { startRfbServer, type RfbTcpServer } from '../src/rfb-server/rfb-server.js';
import { encodeVncPasswordFile, ENCODING } from '@tandem/rfb';
import type { TandemError } from '@tandem/protocol';
import { defaultDecoders, RfbClient } from '@tandem/tech';
import { connect } from 'node:net';
import { diff, requireTools, rgbOf, runProcess, screenshot, sleep, startXterm, startXvfb, tempDir, TestRfbClient, type Xvfb } from '@tandem/test-kit';

const PASSWORD = 'tandem-8';
const W = 1024, H = 768;

describe('built-in RFB engine on Xvfb', () => {
  let xvfb: Xvfb;
  let xterm: ChildProcess;
  let desktop: X11Desktop;
  let server: RfbTcpServer;
  let dir: string;
  let passwd: string;
  const closes: (TandemError | null)[] = [];

  beforeAll(async () => {
    requireTools();
    dir = tempDir();
    passwd = join(dir, 'passwd');
    writeFileSync(passwd, encodeVncPasswordFile(PASSWORD));
    xvfb = await startXvfb(`${W}x${H}x24`);
    xterm = startXterm(xvfb.display, dir);
    await sleep(1500);
    desktop = await X11Desktop.open({ display: xvfb.display });
    server = await startRfbServer({ desktop, listen: { host: '127.0.0.1', port: 0 }, password: PASSWORD, onClose: (e) => closes.push(e) });
  });

  afterAll(async () => {
    await server?.close();
    await desktop?.close();
    xterm?.kill();
    xvfb?.stop();
  });

  for (const encoding of ['zrle', 'raw', 'zlib']) {
    it(`vncsnapshot with ${encoding} sees the X server's own picture`, async () => {
      const out = join(dir, `snap-${encoding}.jpg`);
      // Asynchronously: the server under test runs in this process.
      const r = await runProcess('/usr/bin/vncsnapshot', ['-quiet', '-passwd', passwd, '-encodings', encoding, '-nojpeg', '-nocursor', `127.0.0.1::${server.port}`, out], { timeoutMs: 15_000 });
      expect(r.code, r.stderr).toBe(0);
      const d = diff(screenshot(xvfb.display, dir), rgbOf(out), W);
      // vncsnapshot can only write JPEG (quality 100): allow its rounding, nothing more.
      expect(d.maxDelta).toBeLessThanOrEqual(8);
      expect(d.pixels).toBeLessThan(W * H * 0.002);
    });
  }

  it("TigerVNC's vncviewer (Tight, lossless) shows the X server's picture pixel for pixel", async () => {
    const viewerX = await startXvfb('1280x1024x24');
    const viewer = spawn('/usr/bin/vncviewer', ['-passwd', passwd, '-geometry', `${W}x${H}+0+0`, '-PreferredEncoding=Tight', '-NoJPEG', '-AutoSelect=0', '-CompressLevel=6', `127.0.0.1::${server.port}`], {
      env: { ...process.env, DISPLAY: viewerX.display }, stdio: 'ignore',
    });
    try {
      await sleep(3000);
      // Without a window manager the viewer places its window itself: ask where.
      const geo = spawnSync('/usr/bin/xdotool', ['search', '--onlyvisible', '--name', 'TigerVNC', 'getwindowgeometry', '--shell'], { env: { ...process.env, DISPLAY: viewerX.display } }).stdout.toString();
      const wx = Number(/X=(\d+)/.exec(geo)?.[1]), wy = Number(/Y=(\d+)/.exec(geo)?.[1]);
      expect(Number.isInteger(wx) && Number.isInteger(wy), geo).toBe(true);
      const seen = screenshot(viewerX.display, dir, `${W}x${H}+${wx}+${wy}`);
      // The viewer's own "Press F8" notice lies over the top middle for its first seconds.
      const d = diff(screenshot(xvfb.display, dir), seen, W, { x: 300, y: 40, w: 430, h: 100 });
      expect(d).toEqual({ maxDelta: 0, pixels: 0 });
    } finally {
      viewer.kill();
      viewerX.stop();
    }
  });

  it('refuses a wrong VNC password and keeps serving', async () => {
    const bad = await TestRfbClient.connect(server.port);
    const r = await bad.handshake('wrong');
    expect(r.result).toBe(1);
    expect(r.reason).toMatch(/Authentication failed/);
    await sleep(100);
    expect(bad.closed).toBe(true);
    const good = await TestRfbClient.connect(server.port);
    expect(await good.handshake(PASSWORD)).toMatchObject({ result: 0, width: W, height: H });
    good.close();
  });

  it('types a shell command into xterm through RFB key events', async () => {
    const c = await TestRfbClient.connect(server.port);
    await c.handshake(PASSWORD);
    // No window manager: keyboard focus follows the pointer, so point at xterm first.
    c.send({ type: 'PointerEvent', buttonMask: 0, x: 100, y: 100 });
    const text = 'touch typed-OK_1\n';
    for (const ch of text) {
      const keysym = ch === '\n' ? 0xff0d : ch.charCodeAt(0);
      const shifted = /[A-Z_]/.test(ch);
      if (shifted) c.send({ type: 'KeyEvent', down: true, keysym: 0xffe1 });
      c.send({ type: 'KeyEvent', down: true, keysym });
      c.send({ type: 'KeyEvent', down: false, keysym });
      if (shifted) c.send({ type: 'KeyEvent', down: false, keysym: 0xffe1 });
    }
    const file = join(dir, 'typed-OK_1');
    for (let i = 0; i < 50 && !existsSync(file); i++) await sleep(100);
    expect(existsSync(file)).toBe(true);
    const loc = spawnSync('/usr/bin/xdotool', ['getmouselocation', '--shell'], { env: { ...process.env, DISPLAY: xvfb.display } }).stdout.toString();
    expect(loc).toMatch(/X=100\nY=100/);
    c.close();
  });

  it('engine layer (no gatekeeper in front): with input not allowed, a client\'s keys, pointer and clipboard change nothing on the desktop; allowed, the same pointer moves', async () => {
    const xdo = (...args: string[]): string => {
      const r = spawnSync('/usr/bin/xdotool', args, { env: { ...process.env, DISPLAY: xvfb.display } });
      if (r.status !== 0) throw new Error(`xdotool ${args.join(' ')}: ${r.stderr.toString()}`);
      return r.stdout.toString();
    };
    const clipboard = (): string => spawnSync('/usr/bin/xclip', ['-o', '-selection', 'clipboard'], { env: { ...process.env, DISPLAY: xvfb.display } }).stdout.toString();
    // The pointer rests over the xterm: any key that got through would reach the shell.
    xdo('mousemove', '100', '100');
    const viewOnly = await startRfbServer({ desktop, listen: { host: '127.0.0.1', port: 0 }, password: PASSWORD, inputAllowed: false });
    try {
      const c = await TestRfbClient.connect(viewOnly.port);
      await c.handshake(PASSWORD);
      c.send({ type: 'PointerEvent', buttonMask: 0, x: 300, y: 200 });
      c.send({ type: 'PointerEvent', buttonMask: 0, x: 100, y: 100 });
      for (const ch of 'touch engine-view-only\n') {
        const keysym = ch === '\n' ? 0xff0d : ch.charCodeAt(0);
        c.send({ type: 'KeyEvent', down: true, keysym });
        c.send({ type: 'KeyEvent', down: false, keysym });
      }
      c.send({ type: 'PointerEvent', buttonMask: 0, x: 300, y: 200 });
      c.send({ type: 'ClientCutText', text: 'engine-clipboard-from-client' });
      // The engine handles one client's messages in order: its answer to this request comes after it judged all of the above.
      c.send({ type: 'SetEncodings', encodings: [0] });
      c.send({ type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: 8, h: 8 });
      expect((await c.readUpdate()).length).toBeGreaterThan(0);
      await sleep(1500);
      expect(existsSync(join(dir, 'engine-view-only')), 'keys typed with input not allowed reached the shell').toBe(false);
      expect(xdo('getmouselocation', '--shell'), 'a pointer event with input not allowed moved the X pointer').toMatch(/X=100\nY=100/);
      expect(clipboard(), 'ClientCutText with input not allowed reached the clipboard').not.toContain('engine-clipboard-from-client');
      c.close();
    } finally {
      await viewOnly.close();
    }
    // The positive control: the same pointer event from a client allowed input moves the X pointer.
    const allowed = await TestRfbClient.connect(server.port);
    await allowed.handshake(PASSWORD);
    allowed.send({ type: 'PointerEvent', buttonMask: 0, x: 300, y: 200 });
    for (let i = 0; i < 50 && !/X=300\nY=200/.test(xdo('getmouselocation', '--shell')); i++) await sleep(100);
    expect(xdo('getmouselocation', '--shell')).toMatch(/X=300\nY=200/);
    allowed.send({ type: 'PointerEvent', buttonMask: 0, x: 100, y: 100 });
    allowed.close();
  });

  it('ends a connection that sends a malformed or unknown message, and serves the others', async () => {
    const other = await TestRfbClient.connect(server.port);
    await other.handshake(PASSWORD);
    const bad = await TestRfbClient.connect(server.port);
    await bad.handshake(PASSWORD);
    closes.length = 0;
    bad.socket.write(Uint8Array.of(0x42, 0, 0, 0));
    for (let i = 0; i < 20 && !bad.closed; i++) await sleep(50);
    expect(bad.closed).toBe(true);
    expect(closes.map((e) => e?.code)).toEqual(['TANDEM_ERR_PROTOCOL']);
    expect(closes[0]?.message).toMatch(/unknown client message type 66/);
    const bad2 = await TestRfbClient.connect(server.port);
    await bad2.handshake(PASSWORD);
    bad2.socket.write(Uint8Array.of(3, 7, 0, 0, 0, 0, 0, 10, 0, 10)); // FramebufferUpdateRequest with incremental = 7
    for (let i = 0; i < 20 && !bad2.closed; i++) await sleep(50);
    expect(bad2.closed).toBe(true);
    expect(closes[1]?.message).toMatch(/incremental flag 7/);
    other.send({ type: 'SetEncodings', encodings: [0] });
    other.send({ type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: 64, h: 64 });
    const rects = await other.readUpdate();
    expect(rects.length).toBeGreaterThan(0);
    expect(rects.every((r) => r.encoding === 0)).toBe(true);
    other.close();
  });

  it('sends scrolling as CopyRect to a client that offers it, and its picture stays the X server\'s pixel for pixel', async () => {
    // Two technician clients (ZRLE, Zlib, CopyRect, Raw) follow incrementally: one reads at once, one only every 150 ms,
    // so that its updates coalesce several scrolls and damage (the backpressure case). A third offers no CopyRect.
    const followers = await Promise.all([
      follower(server.port, 0, true), follower(server.port, 150, true), follower(server.port, 0, false),
    ]);
    try {
      const done = join(dir, 'scrolled');
      const script = `i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo "line $i of a scrolling terminal"; sleep 0.01; done; seq 1 500; touch ${done}; exec sleep 60`;
      const scroller = spawn('/usr/bin/xterm', ['-geometry', '80x30+300+150', '-e', '/bin/sh', '-c', script], { cwd: dir, env: { ...process.env, DISPLAY: xvfb.display }, stdio: 'ignore' });
      try {
        for (let i = 0; i < 300 && !existsSync(done); i++) await sleep(100);
        expect(existsSync(done)).toBe(true);
        let d = { maxDelta: -1, pixels: -1 };
        // Let the last updates arrive (a wrong copy would never be repaired: nothing changes there any more).
        for (let attempt = 0; attempt < 10; attempt++) {
          await sleep(500);
          const truth = screenshot(xvfb.display, dir);
          const ds = followers.map((f) => diff(truth, Buffer.from(f.client.framebuffer?.toRgb() ?? []), W));
          d = ds.reduce((a, b) => ({ maxDelta: Math.max(a.maxDelta, b.maxDelta), pixels: a.pixels + b.pixels }));
          if (d.pixels === 0) break;
        }
        expect(d).toEqual({ maxDelta: 0, pixels: 0 });
        expect(followers[0]?.copies()).toBeGreaterThan(0);
        expect(followers[1]?.copies()).toBeGreaterThan(0);
        expect(followers[2]?.copies()).toBe(0);
      } finally {
        scroller.kill();
      }
    } finally {
      for (const f of followers) f.close();
    }
  });

  it('sends DesktopSize when xrandr resizes the screen', async () => {
    const c = await TestRfbClient.connect(server.port);
    await c.handshake(PASSWORD);
    c.send({ type: 'SetEncodings', encodings: [0, -223] });
    c.send({ type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: W, h: H });
    await c.readUpdate();
    const env = { ...process.env, DISPLAY: xvfb.display };
    spawnSync('/usr/bin/xrandr', ['--newmode', '800x600', '0', '800', '0', '0', '0', '600', '0', '0', '0'], { env });
    spawnSync('/usr/bin/xrandr', ['--addmode', 'screen', '800x600'], { env });
    const r = spawnSync('/usr/bin/xrandr', ['-s', '800x600'], { env });
    expect(r.status, r.stderr.toString()).toBe(0);
    c.send({ type: 'FramebufferUpdateRequest', incremental: true, x: 0, y: 0, w: W, h: H });
    const rects = await c.readUpdate();
    expect(rects).toContainEqual({ x: 0, y: 0, w: 800, h: 600, encoding: -223 });
    expect(desktop.framebuffer()).toMatchObject({ width: 800, height: 600 });
    spawnSync('/usr/bin/xrandr', ['-s', `${W}x${H}`], { env });
    c.close();
  });
});

/**
 * A technician RfbClient over TCP that counts the CopyRect rectangles it
 * draws; `delayMs` > 0 hands it the server's bytes only every so often.
 */
async function follower(port: number, delayMs: number, copyRect: boolean): Promise<{ client: RfbClient; copies: () => number; close: () => void }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  let copies = 0;
  const decoders = new Map(defaultDecoders());
  const plain = decoders.get(ENCODING.CopyRect);
  if (plain === undefined) throw new Error('the technician client has no CopyRect decoder');
  decoders.set(ENCODING.CopyRect, {
    ...plain,
    async decode(rect, q, ctx) {
      const drawn = await plain.decode(rect, q, ctx);
      if (drawn) copies++;
      return drawn;
    },
  });
  const encodings = copyRect ? [ENCODING.ZRLE, ENCODING.Zlib, ENCODING.CopyRect, ENCODING.Raw] : [ENCODING.ZRLE, ENCODING.Raw];
  const client = new RfbClient({
    password: PASSWORD, encodings, decoders,
    send: (b) => new Promise<void>((resolve, reject) => socket.write(b, (err) => (err ? reject(err) : resolve()))),
  });
  const held: Buffer[] = [];
  const timer = delayMs > 0 ? setInterval(() => { for (const c of held.splice(0)) client.receive(c); }, delayMs) : null;
  socket.on('data', (c: Buffer) => { if (timer) held.push(c); else client.receive(c); });
  socket.on('close', () => client.close());
  await client.ready(10_000);
  await client.waitForUpdate(10_000);
  return { client, copies: () => copies, close: () => { if (timer) clearInterval(timer); socket.destroy(); } };
}
