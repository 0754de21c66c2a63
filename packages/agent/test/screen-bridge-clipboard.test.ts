/**
 * The customer's clipboard stays on the customer's computer in bridge mode:
 * `tandem join --vnc` in front of x11vnc and TigerVNC's Xvnc, the customer's
 * cut buffer and CLIPBOARD selection set to a marker on the customer's X
 * display, and a hostile technician (view only and control) that records
 * every RFB byte it receives. The VNC server sends the marker as
 * ServerCutText (RFC 6143 §7.6.4) to every viewer, as a viewer of the
 * customer's own connected directly to it shows; the technician must never
 * see it, while the screen keeps updating.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mode } from '@tandem/protocol';
import { ServerMessageReader, decodeServerPixelFormat, defaultRectFramers } from '@tandem/rfb';
import { acceptOnTerminal, freeDisplay, freePort, HostileTech, RelayFixture, sleep, startXterm, startXvfb, tempDir, TestRfbClient, waitModeCount, waitPort, type Xvfb } from '@tandem/test-kit';

const W = 640, H = 480;
const VNC_PASSWORD = 'clip-8ch';

/** Sets an X selection (`buffer-cut` is CUT_BUFFER0) on `display` to `text`; xclip keeps serving a selection in the background. */
function setClipboard(display: string, selection: 'buffer-cut' | 'clipboard' | 'primary', text: string, owners: ChildProcess[]): void {
  if (selection === 'buffer-cut') {
    const r = spawnSync('/usr/bin/xclip', ['-selection', 'buffer-cut'], { input: text, env: { ...process.env, DISPLAY: display } });
    if (r.status !== 0) throw new Error(`xclip: ${r.stderr.toString()}`);
    return;
  }
  const p = spawn('/usr/bin/xclip', ['-selection', selection, '-t', 'STRING', '-quiet'], { env: { ...process.env, DISPLAY: display }, stdio: ['pipe', 'ignore', 'ignore'] });
  p.stdin.end(text);
  owners.push(p);
}

/** True when `haystack` holds the bytes of `marker`. */
function holds(haystack: Uint8Array, marker: string): boolean {
  return Buffer.from(haystack).includes(Buffer.from(marker, 'latin1'));
}

/** Waits until the customer's own viewer received `marker` from the VNC server (it always gets the clipboard). */
async function viewerReceives(viewer: TestRfbClient, marker: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!holds(viewer.q.peekBytes(viewer.q.length), marker)) {
    if (Date.now() > deadline) throw new Error(`the customer's own viewer did not receive ${marker} within ${ms} ms: the VNC server did not send the clipboard`);
    await sleep(100);
  }
}

/**
 * What noVNC 1.4 asks for (its RFB._sendEncodings): CopyRect, Tight,
 * TightPNG, ZRLE, JPEG, Hextile, RRE, Raw, quality 6, compression 2,
 * DesktopSize, LastRect, QEMU Extended Key Event, QEMU LED, ExtendedDesktopSize,
 * xvp, Fence, ContinuousUpdates, DesktopName, Extended Clipboard, Cursor,
 * VMware cursor. The bridge cuts it down to what it can frame.
 */
const NOVNC_ENCODINGS = [1, 7, -260, 16, 21, 5, 2, 0, -26, -254, -223, -224, -258, -261, -308, -309, -312, -313, -307, 0xc0a1e5ce | 0, -239, 0x574d5664];

/** Reads the technician's stream up to the end of the next FramebufferUpdate; returns its rectangles' encodings. */
async function nextUpdate(tech: HostileTech, reader: ServerMessageReader): Promise<number[]> {
  const encodings: number[] = [];
  let inUpdate = false;
  for (;;) {
    const p = reader.next(tech.rfb);
    if (p === null) {
      await tech.need(tech.rfb.length + 1);
      continue;
    }
    if (p.message === 'FramebufferUpdate' && p.part === 'header') inUpdate = true;
    if (p.part === 'rectangle') encodings.push(p.rect.encoding);
    if (inUpdate && reader.atBoundary) return encodings;
  }
}

describe("bridge mode: the customer's clipboard never reaches the technician", () => {
  const relay = new RelayFixture();
  const password = 'pw-clipboard-correct-horse';
  const procs: ChildProcess[] = [];
  const xvfbs: Xvfb[] = [];
  const techs: HostileTech[] = [];
  const viewers: TestRfbClient[] = [];
  let dir: string;
  let storedPasswd: string;

  beforeAll(async () => {
    for (const tool of ['/usr/bin/x11vnc', '/usr/bin/Xtigervnc', '/usr/bin/Xvfb', '/usr/bin/xterm', '/usr/bin/xclip', '/usr/bin/xdotool']) {
      if (!existsSync(tool)) throw new Error(`missing ${tool}: run \`npm test\`, which installs x11vnc, tigervnc-standalone-server, xclip and xdotool`);
    }
    dir = tempDir();
    storedPasswd = join(dir, 'vncpasswd');
    const r = spawnSync('/usr/bin/x11vnc', ['-storepasswd', VNC_PASSWORD, storedPasswd]);
    if (r.status !== 0) throw new Error(`x11vnc -storepasswd: ${r.stderr.toString()}`);
    await relay.start();
    await relay.addUser('clipper', 'technician', password);
  });

  afterAll(async () => {
    for (const t of techs) await t.end();
    for (const v of viewers) v.close();
    await relay.stop();
    for (const p of procs) p.kill();
    for (const x of xvfbs) x.stop();
  });

  /**
   * One bridged session in `mode`: the technician reads the screen, the
   * customer's clipboard becomes `marker` (set by `setMarker`), the
   * customer's own viewer proves the server sent it, the screen changes and
   * the technician sees the change; not one byte of the marker reaches it.
   */
  async function clipboardStaysHome(port: number, display: string, mode: Mode, marker: string, setMarker: () => void, encodings: readonly number[] = [0]): Promise<void> {
    const tech = await HostileTech.start(relay, 'clipper', password, mode);
    techs.push(tech);
    const received: Buffer[] = [];
    tech.session.onEvent((e) => { if (e.type === 'rfb') received.push(Buffer.from(e.data)); });
    const agent = relay.join(tech.code, ['--vnc', `127.0.0.1:${port}`, '--vnc-password-file', storedPasswd], { DISPLAY: display });
    await acceptOnTerminal(agent);
    await waitModeCount(tech, mode, 1);
    const init = await tech.handshake();
    expect(init).toMatchObject({ width: W, height: H });
    // The technician reads the stream with the same framing (its bytes are the server's, less the clipboard).
    const reader = new ServerMessageReader({ framers: defaultRectFramers(), pixelFormat: decodeServerPixelFormat(init.pixelFormat) });
    tech.msg({ type: 'SetEncodings', encodings: [...encodings] });
    tech.msg({ type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: W, h: H });
    const seen = await nextUpdate(tech, reader);

    const viewer = await TestRfbClient.connect(port);
    viewers.push(viewer);
    expect((await viewer.handshake(VNC_PASSWORD)).result).toBe(0);
    setMarker();
    await viewerReceives(viewer, marker);

    // The screen keeps updating: the customer types into the xterm, and the technician's next update shows it.
    // The server sent the clipboard before this update, on the same connection, so the agent judged it first.
    spawnSync('/usr/bin/xdotool', ['mousemove', '100', '100'], { env: { ...process.env, DISPLAY: display } });
    const typed = spawnSync('/usr/bin/xdotool', ['type', '--delay', '20', `echo ${mode}-still-updating`], { env: { ...process.env, DISPLAY: display } });
    expect(typed.status).toBe(0);
    let changed: number[] = [];
    for (let i = 0; i < 20 && !changed.some((e) => e >= 0); i++) {
      tech.msg({ type: 'FramebufferUpdateRequest', incremental: true, x: 0, y: 0, w: W, h: H });
      changed = await nextUpdate(tech, reader);
      seen.push(...changed);
    }
    expect(changed.some((e) => e >= 0), 'an update with pixels after the clipboard changed').toBe(true);
    // Only what the technician asked for and the bridge can frame.
    const framed = new Set(defaultRectFramers().keys());
    for (const e of seen) expect(encodings.includes(e) && framed.has(e), `encoding ${e}`).toBe(true);

    const all = Buffer.concat(received);
    expect(holds(all, marker), `the technician received the customer's clipboard ${marker}`).toBe(false);
    expect(tech.session.finished).toBe(false);
    await tech.end();
    expect(await agent.exitCode()).toBe(0);
  }

  describe('x11vnc -forever -shared, the cut buffer', () => {
    let display = '';
    let port = 0;
    beforeAll(async () => {
      const xvfb = await startXvfb(`${W}x${H}x24`);
      xvfbs.push(xvfb);
      display = xvfb.display;
      procs.push(startXterm(display, dir));
      port = await freePort();
      procs.push(spawn('/usr/bin/x11vnc', ['-display', display, '-rfbauth', storedPasswd, '-rfbport', String(port), '-localhost', '-forever', '-shared', '-quiet'], { stdio: 'ignore' }));
      await waitPort(port);
      await sleep(500);
    });

    // x11vnc sends CUT_BUFFER0 the moment it changes (its PRIMARY and CLIPBOARD polling waits 15 s after each new viewer).
    it('view only (Raw)', async () => {
      await clipboardStaysHome(port, display, 'view', 'MARKER-x11vnc-view-4711', () => setClipboard(display, 'buffer-cut', 'MARKER-x11vnc-view-4711', procs));
    });

    it('shared control (what noVNC asks for)', async () => {
      await clipboardStaysHome(port, display, 'control', 'MARKER-x11vnc-control-0815', () => setClipboard(display, 'buffer-cut', 'MARKER-x11vnc-control-0815', procs), NOVNC_ENCODINGS);
    });
  });

  describe("TigerVNC's Xvnc, the CLIPBOARD selection", () => {
    let display = '';
    let port = 0;
    beforeAll(async () => {
      // Xtigervnc needs a display number of its own: this file's range, apart from the other bridge test's.
      const n = freeDisplay(190, 240);
      display = `:${n}`;
      port = await freePort();
      procs.push(spawn('/usr/bin/Xtigervnc', [display, '-geometry', `${W}x${H}`, '-depth', '24', '-SecurityTypes', 'VncAuth', '-PasswordFile', storedPasswd, '-rfbport', String(port), '-localhost', '-nolisten', 'tcp'], { stdio: 'ignore' }));
      await waitPort(port);
      procs.push(startXterm(display, dir));
      await sleep(800);
    });

    it('view only (Raw)', async () => {
      await clipboardStaysHome(port, display, 'view', 'MARKER-tiger-view-2718', () => setClipboard(display, 'clipboard', 'MARKER-tiger-view-2718', procs));
    });

    it('shared control (what noVNC asks for)', async () => {
      await clipboardStaysHome(port, display, 'control', 'MARKER-tiger-control-3141', () => setClipboard(display, 'clipboard', 'MARKER-tiger-control-3141', procs), NOVNC_ENCODINGS);
    });
  });
});
