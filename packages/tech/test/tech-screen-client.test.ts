/**
 * The technician's RFB client against real servers on a real X server: the
 * built-in engine (security None over a plain channel, and VNC
 * Authentication on its TCP listener) and x11vnc. Every snapshot must equal
 * the X server's own screenshot pixel for pixel, in every lossless encoding.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRfb, startRfbServer, X11Desktop, type RfbTcpServer } from '@tandem/agent';
import { ENCODING } from '@tandem/rfb';
import { RfbClient, type RfbClientEvent, type RfbClientOptions } from '../src/rfb-client/rfb-client.js';
import { encodePng } from '../src/rfb-client/png-writer.js';
import { diff, freePort, listeningPort, requireTools, rgbOf, screenshot, sleep, startXterm, startXvfb, tempDir, type Xvfb } from '@tandem/test-kit';

const W = 640, H = 480;
const PASSWORD = 'tech-8ch';

/** An RfbClient on a TCP socket: the "tiny adapter" from socket to byte channel. */
async function clientOn(port: number, opts: Partial<RfbClientOptions> = {}): Promise<{ client: RfbClient; socket: Socket; events: RfbClientEvent[] }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  const events: RfbClientEvent[] = [];
  const client = new RfbClient({
    ...opts,
    send: (b) => new Promise<void>((resolve, reject) => socket.write(b, (err) => (err ? reject(err) : resolve()))),
    onEvent: (e) => events.push(e),
  });
  socket.on('data', (c: Buffer) => client.receive(c));
  socket.on('close', () => client.close());
  return { client, socket, events };
}

describe('the technician RFB client on Xvfb', () => {
  let xvfb: Xvfb;
  let xterm: ChildProcess;
  let desktop: X11Desktop;
  let plain: Server;
  let plainPort = 0;
  let withPassword: RfbTcpServer;
  let dir: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    requireTools();
    dir = tempDir();
    xvfb = await startXvfb(`${W}x${H}x24`);
    xterm = startXterm(xvfb.display, dir);
    await sleep(1200);
    desktop = await X11Desktop.open({ display: xvfb.display });
    // The engine as the agent runs it on the session channel: no password, security None.
    plain = createServer((s) => { serveRfb(s, { desktop }); });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    plainPort = listeningPort(plain);
    withPassword = await startRfbServer({ desktop, listen: { host: '127.0.0.1', port: 0 }, password: PASSWORD });
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await withPassword?.close();
    await new Promise<void>((resolve) => (plain ? plain.close(() => resolve()) : resolve()));
    await desktop?.close();
    xterm?.kill();
    xvfb?.stop();
  });

  for (const [name, encoding] of [['ZRLE', ENCODING.ZRLE], ['Zlib', ENCODING.Zlib], ['Raw', ENCODING.Raw]] as const) {
    it(`${name}: the snapshot and its PNG equal the X server's screenshot`, async () => {
      const { client, socket, events } = await clientOn(plainPort, { encodings: [encoding] });
      sockets.push(socket);
      await client.ready();
      expect(events[0]).toMatchObject({ type: 'screen', width: W, height: H });
      const shot = await client.snapshot();
      expect([shot.width, shot.height]).toEqual([W, H]);
      const truth = screenshot(xvfb.display, dir);
      expect(diff(truth, Buffer.from(shot.rgb), W)).toEqual({ maxDelta: 0, pixels: 0 });
      const png = join(dir, `snap-${name}.png`);
      writeFileSync(png, encodePng(shot.width, shot.height, 3, shot.rgb));
      expect(diff(truth, rgbOf(png), W)).toEqual({ maxDelta: 0, pixels: 0 });
      client.close();
      socket.destroy();
    });
  }

  it('follows changes: typing into xterm shows up in the next snapshot', async () => {
    const { client, socket } = await clientOn(plainPort);
    sockets.push(socket);
    const before = await client.snapshot();
    await client.typeText('echo tandem-was-here\n');
    await sleep(700);
    const after = await client.snapshot();
    expect(diff(Buffer.from(before.rgb), Buffer.from(after.rgb), W).pixels).toBeGreaterThan(0);
    expect(diff(screenshot(xvfb.display, dir), Buffer.from(after.rgb), W)).toEqual({ maxDelta: 0, pixels: 0 });
    client.close();
    socket.destroy();
  });

  it('authenticates with a VNC password on the TCP listener and fails clearly with a wrong one', async () => {
    const good = await clientOn(withPassword.port, { password: PASSWORD });
    sockets.push(good.socket);
    const shot = await good.client.snapshot();
    expect(diff(screenshot(xvfb.display, dir), Buffer.from(shot.rgb), W)).toEqual({ maxDelta: 0, pixels: 0 });
    good.client.close();

    const bad = await clientOn(withPassword.port, { password: 'wrong' });
    sockets.push(bad.socket);
    await expect(bad.client.ready()).rejects.toThrow(/Authentication failed/);
    expect(bad.events.at(-1)).toMatchObject({ type: 'closed', error: { code: 'TANDEM_ERR_UNAUTHORIZED' } });
  });

  it('follows an xrandr resize and snapshots the new size', async () => {
    const { client, socket, events } = await clientOn(plainPort);
    sockets.push(socket);
    await client.snapshot();
    const env = { ...process.env, DISPLAY: xvfb.display };
    spawnSync('/usr/bin/xrandr', ['--newmode', '560x400', '0', '560', '0', '0', '0', '400', '0', '0', '0'], { env });
    spawnSync('/usr/bin/xrandr', ['--addmode', 'screen', '560x400'], { env });
    try {
      const r = spawnSync('/usr/bin/xrandr', ['-s', '560x400'], { env });
      expect(r.status, r.stderr.toString()).toBe(0);
      for (let i = 0; i < 50 && client.width !== 560; i++) await sleep(100);
      expect(events).toContainEqual({ type: 'resize', width: 560, height: 400 });
      await sleep(300);
      const shot = await client.snapshot();
      expect([shot.width, shot.height]).toEqual([560, 400]);
      expect(diff(screenshot(xvfb.display, dir), Buffer.from(shot.rgb), 560)).toEqual({ maxDelta: 0, pixels: 0 });
    } finally {
      spawnSync('/usr/bin/xrandr', ['-s', `${W}x${H}`], { env });
      client.close();
      socket.destroy();
    }
  });

  it('reads x11vnc, an independent server, pixel for pixel', async () => {
    // A port the kernel just gave out and took back: free, unlike a guess in a range other tests and servers share.
    const port = await freePort();
    const x11vnc = spawn('/usr/bin/x11vnc', ['-display', xvfb.display, '-rfbport', String(port), '-localhost', '-forever', '-shared', '-nopw', '-quiet', '-noxdamage'], { stdio: 'ignore' });
    try {
      let conn: Awaited<ReturnType<typeof clientOn>> | undefined;
      for (let i = 0; i < 50 && !conn; i++) {
        await sleep(200);
        conn = await clientOn(port).catch(() => undefined);
      }
      expect(conn, 'x11vnc did not listen').toBeDefined();
      sockets.push(conn!.socket);
      await sleep(500);
      const shot = await conn!.client.snapshot();
      // x11vnc may draw its own cursor into the picture: compare away from the pointer, which nothing has moved from the screen's centre.
      const d = diff(screenshot(xvfb.display, dir), Buffer.from(shot.rgb), W, { x: W / 2 - 40, y: H / 2 - 40, w: 80, h: 80 });
      expect(d).toEqual({ maxDelta: 0, pixels: 0 });
      conn!.client.close();
    } finally {
      x11vnc.kill();
    }
  });
});
