/**
 * `tandem join --rfb-listen` seen by TigerVNC's vncviewer, an independent RFB
 * client, while a real session runs: with lossless encodings the viewer's
 * window shows the X server's own screenshot pixel for pixel. The password
 * file comes from x11vnc -storepasswd, so the agent and the viewer both read
 * the standard vncpasswd format written by a third program. The xterm shows
 * coloured backgrounds, so a red/blue swap in any encoder's pixel output fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptOnTerminal, diff, HostileTech, RelayFixture, requireTools, screenshot, sleep, startColourXterm, startXvfb, tempDir, waitForColour, waitModeCount, XTERM_RED, type Proc, type Xvfb } from '@tandem/test-kit';

const W = 1024, H = 768;
const VNC_PASSWORD = 'tiger-8x';
/**
 * TigerVNC's "Press F8 to open the context menu" notice lies over the top
 * middle of its window for its first seconds (as in rfb-engine.test.ts).
 */
const NOTICE = { x: 300, y: 40, w: 430, h: 100 };

describe("TigerVNC's vncviewer against tandem join --rfb-listen", () => {
  const relay = new RelayFixture();
  const techPassword = 'pw-tiger-correct-horse';
  let xvfb: Xvfb;
  let viewerX: Xvfb;
  let xterm: ChildProcess;
  let dir: string;
  let passwd: string;
  let tech: HostileTech | undefined;
  let agent: Proc | undefined;
  let port = 0;

  beforeAll(async () => {
    requireTools();
    if (!existsSync('/usr/bin/xdotool') || !existsSync('/usr/bin/x11vnc')) throw new Error('missing /usr/bin/xdotool or /usr/bin/x11vnc: run `npm test`, which installs them');
    dir = tempDir();
    passwd = join(dir, 'passwd');
    const stored = spawnSync('/usr/bin/x11vnc', ['-storepasswd', VNC_PASSWORD, passwd]);
    if (stored.status !== 0 || !existsSync(passwd)) throw new Error(`x11vnc -storepasswd: ${stored.stderr.toString()}`);
    [xvfb, viewerX] = await Promise.all([startXvfb(`${W}x${H}x24`), startXvfb('1280x1024x24')]);
    xterm = startColourXterm(xvfb.display, dir);
    // The comparison means something only with the coloured row on screen.
    await waitForColour(xvfb.display, dir, XTERM_RED);
    await relay.start();
    await relay.addUser('tiger', 'technician', techPassword);

    tech = await HostileTech.start(relay, 'tiger', techPassword, 'view');
    agent = relay.join(tech.code, ['--rfb-listen', '127.0.0.1:0', '--rfb-password-file', passwd], { DISPLAY: xvfb.display });
    port = Number((await agent.waitFor(/^rfb-listen: 127\.0\.0\.1:(\d+)$/))[1]);
    await acceptOnTerminal(agent);
    await waitModeCount(tech, 'view', 1);
    // The session's own stream runs beside the listener on the same desktop.
    expect(await tech.handshake()).toMatchObject({ width: W, height: H });
  });

  afterAll(async () => {
    await tech?.end();
    await relay.stop();
    xterm?.kill();
    xvfb?.stop();
    viewerX?.stop();
  });

  /** Where the viewer's window sits on its own display (no window manager: the viewer places it). */
  function viewerWindow(): { x: number; y: number } | undefined {
    const geo = spawnSync('/usr/bin/xdotool', ['search', '--onlyvisible', '--name', 'TigerVNC', 'getwindowgeometry', '--shell'], { env: { ...process.env, DISPLAY: viewerX.display } }).stdout.toString();
    const x = /X=(\d+)/.exec(geo)?.[1], y = /Y=(\d+)/.exec(geo)?.[1];
    return x !== undefined && y !== undefined ? { x: Number(x), y: Number(y) } : undefined;
  }

  /** The viewer window's W x H content from its display's own screenshot, compared with the customer's screenshot. */
  function compare(at: { x: number; y: number }): { maxDelta: number; pixels: number } {
    return diff(screenshot(xvfb.display, dir), screenshot(viewerX.display, dir, `${W}x${H}+${at.x}+${at.y}`), W, NOTICE);
  }

  for (const encoding of ['ZRLE', 'Tight']) {
    it(`shows the X server's picture pixel for pixel (${encoding}, lossless, full colour)`, async () => {
      const viewer = spawn('/usr/bin/vncviewer', [
        '-passwd', passwd, '-geometry', `${W}x${H}+0+0`,
        `-PreferredEncoding=${encoding}`, '-AutoSelect=0', '-FullColor=1', '-NoJPEG=1', '-CompressLevel=6', '-Shared=1',
        `127.0.0.1::${port}`,
      ], { env: { ...process.env, DISPLAY: viewerX.display }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      viewer.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      try {
        let at: { x: number; y: number } | undefined;
        for (let i = 0; i < 100 && !at && viewer.exitCode === null; i++) {
          await sleep(100);
          at = viewerWindow();
        }
        expect(at, `vncviewer shows no window (exit ${viewer.exitCode}):\n${stderr}`).toBeDefined();
        // The first full update takes a moment to arrive and be drawn: poll until it is there, then it must match exactly.
        await expect.poll(() => compare(at!), { timeout: 10_000, interval: 250 }).toEqual({ maxDelta: 0, pixels: 0 });
        expect(viewer.exitCode, stderr).toBeNull();
        // The viewer may write this line after the picture is drawn: waited for, not taken as it stands.
        await expect.poll(() => stderr, { timeout: 10_000 }).toMatch(/Using pixel format depth 24 \(32bpp\)/);
      } finally {
        viewer.kill();
      }
    });
  }

  it('the session itself goes on, and ends cleanly', async () => {
    expect(tech!.session.finished).toBe(false);
    await tech!.end();
    expect(await agent!.exitCode()).toBe(0);
  });
});
