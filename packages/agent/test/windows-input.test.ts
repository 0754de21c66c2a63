/**
 * The Windows driver's input and picture in detail, under Wine on a real
 * Xvfb: the downloaded Windows agent serves its engine to a local RFB client
 * (`--rfb-listen`, which has input as the customer's own viewer), and every
 * kind of input the RFB protocol carries reaches the harness's Windows test
 * window as Windows delivers it: the three buttons and the back button with
 * their coordinates, both wheels, keys by virtual key (Return, Escape, F5,
 * the arrows), characters through the layout with Shift, characters no key
 * makes (KEYEVENTF_UNICODE), and a button held when the viewer goes comes
 * up. The raw picture equals the X server's
 * screenshot pixel for pixel; the cursor's shape comes as the Cursor
 * pseudo-encoding; a resize of the X screen (xrandr) reaches the client as
 * DesktopSize. Exercises the GDI path (Wine has no Desktop Duplication).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCODING } from '@tandem/rfb';
import { requireTools, screenshot, startWindowsStand, tempDir, TestRfbClient, TestWindow, type WindowsStand, type WineProc } from '@tandem/test-kit';

const W = 640, H = 480;
const PLACE = { x: 200, y: 150, width: 300, height: 200 };
const PASSWORD = 'wine-listen';
/** The node.exe script that calls the agent's built Windows code and prints `{"ok":…}` (windows-system.test.ts uses it too). */
const PROBE = fileURLToPath(new URL('./windows-probe.mjs', import.meta.url));

describe('the Windows driver\'s input and picture under Wine', () => {
  let stand: WindowsStand;
  let dir: string;
  let agent: WineProc;
  let win: TestWindow;
  let port = 0;

  beforeAll(async () => {
    requireTools();
    dir = tempDir('tandem-windows-input-');
    stand = await startWindowsStand(W, H);
    const passwd = join(stand.customer.home, 'rfb-password');
    writeFileSync(passwd, PASSWORD);
    win = await TestWindow.open(stand.wine, PLACE);
    const tech = stand.relay.tech('kato', stand.techPw, ['--mode', 'view']);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1] ?? '';
    agent = stand.agent(['join', code, '--no-browser', '--no-remove-when-done', '--rfb-listen', '127.0.0.1:0', '--rfb-password-file', stand.wine.windowsPath(passwd)]);
    port = Number((await agent.waitFor(/^rfb-listen: 127\.0\.0\.1:(\d+)$/, 90_000))[1]);
  }, 240_000);

  afterAll(async () => {
    win?.close();
    await stand?.stop();
  });

  async function client(): Promise<TestRfbClient> {
    const c = await TestRfbClient.connect(port);
    const hello = await c.handshake(PASSWORD);
    expect(hello).toMatchObject({ result: 0, width: W, height: H });
    return c;
  }

  it('serves the X screen exactly (Raw)', async () => {
    const c = await client();
    try {
      c.send({ type: 'SetEncodings', encodings: [ENCODING.Raw] });
      c.send({ type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: W, h: H });
      // One FramebufferUpdate, one Raw rectangle of the whole screen in the server's format (32-bit little-endian B G R X).
      await c.need(4 + 12);
      expect(c.q.peekU8(0)).toBe(0);
      expect(c.q.peekU16(2)).toBe(1);
      c.q.skip(4);
      expect([c.q.peekU16(0), c.q.peekU16(2), c.q.peekU16(4), c.q.peekU16(6), c.q.peekU32(8)]).toEqual([0, 0, W, H, ENCODING.Raw]);
      c.q.skip(12);
      await c.need(W * H * 4, 20_000);
      const pixels = c.q.take(W * H * 4);
      const rgb = Buffer.alloc(W * H * 3);
      for (let i = 0; i < W * H; i++) {
        rgb[i * 3] = pixels[i * 4 + 2] ?? 0;
        rgb[i * 3 + 1] = pixels[i * 4 + 1] ?? 0;
        rgb[i * 3 + 2] = pixels[i * 4] ?? 0;
      }
      expect(rgb.equals(screenshot(stand.xvfb.display, dir))).toBe(true);
    } finally {
      c.close();
    }
  });

  it('delivers every button with its place, both wheels and the back button', async () => {
    const c = await client();
    try {
      const x = PLACE.x + 30, y = PLACE.y + 40;
      const at = `${x - PLACE.x} ${y - PLACE.y}`;
      c.send({ type: 'PointerEvent', buttonMask: 0, x, y });
      for (const [bit, name] of [[0, 'left'], [1, 'middle'], [2, 'right'], [7, 'back']] as const) {
        c.send({ type: 'PointerEvent', buttonMask: 1 << bit, x, y });
        c.send({ type: 'PointerEvent', buttonMask: 0, x, y });
        await win.waitFor(new RegExp(`^up ${name} ${at}$`));
      }
      for (const bit of [3, 4, 5, 6]) {
        c.send({ type: 'PointerEvent', buttonMask: 1 << bit, x, y });
        c.send({ type: 'PointerEvent', buttonMask: 0, x, y });
      }
      await win.waitFor(/^hwheel 120$/);
      expect(win.eventsOf('down')).toEqual([`down left ${at}`, `down middle ${at}`, `down right ${at}`, `down back ${at}`]);
      expect([...win.eventsOf('wheel'), ...win.eventsOf('hwheel')]).toEqual(['wheel 120', 'wheel -120', 'hwheel -120', 'hwheel 120']);
    } finally {
      c.close();
    }
  });

  it('types keys by virtual key, characters through the layout and as Unicode', async () => {
    const c = await client();
    try {
      const tap = (keysym: number): void => {
        c.send({ type: 'KeyEvent', down: true, keysym });
        c.send({ type: 'KeyEvent', down: false, keysym });
      };
      const before = win.typed().length;
      // 'a', 'B' (Shift through the layout), '!', Return, 'é' (Latin-1), 'あ' and '€' (no key: KEYEVENTF_UNICODE),
      // then 'ア' and 'ж' as noVNC sends them, legacy keysyms (XK_kana_A, XK_Cyrillic_zhe).
      for (const k of [0x61, 0x42, 0x21, 0xff0d, 0xe9, 0x01003042, 0x010020ac, 0x04b1, 0x06d6]) tap(k);
      await win.waitFor(/^char 1078$/);
      expect(win.typed().slice(before)).toBe('aB!\ré\u3042\u20ac\u30a2\u0436');
      // F5, Left, Escape from the viewer: virtual keys (VK_F5 116, VK_LEFT 37, VK_ESCAPE 27).
      for (const k of [0xffc2, 0xff51, 0xff1b]) tap(k);
      await win.waitFor(/^key 27$/);
      expect(win.eventsOf('key').slice(-3)).toEqual(['key 116', 'key 37', 'key 27']);
    } finally {
      c.close();
    }
  });

  it('releases what a viewer held when it goes (the button comes up in the window)', async () => {
    const c = await client();
    const x = PLACE.x + 70, y = PLACE.y + 80, at = `${x - PLACE.x} ${y - PLACE.y}`;
    const ups = win.eventsOf('up').length;
    c.send({ type: 'PointerEvent', buttonMask: 0, x, y });
    c.send({ type: 'PointerEvent', buttonMask: 1 << 2, x, y });
    await win.waitFor(new RegExp(`^down right ${at}$`));
    expect(win.eventsOf('up')).toHaveLength(ups);
    c.close();
    await win.waitFor(new RegExp(`^up right ${at}$`));
  });

  it('sends the cursor\'s shape once the pointer is over a Windows window', async () => {
    const c = await client();
    try {
      c.send({ type: 'SetEncodings', encodings: [ENCODING.Raw, ENCODING.Cursor] });
      c.send({ type: 'PointerEvent', buttonMask: 0, x: PLACE.x + 60, y: PLACE.y + 60 });
      let cursor: { w: number; h: number } | undefined;
      // The first update may come before the driver read the cursor: read updates until one carries it (need() bounds each read).
      for (let i = 0; i < 40 && cursor === undefined; i++) {
        c.send({ type: 'FramebufferUpdateRequest', incremental: i > 0, x: 0, y: 0, w: W, h: H });
        cursor = (await c.readUpdate()).find((r) => r.encoding === ENCODING.Cursor);
      }
      expect(cursor).toBeDefined();
      expect(cursor?.w).toBeGreaterThan(0);
      expect(cursor?.h).toBeGreaterThan(0);
    } finally {
      c.close();
    }
  });

  it('the driver itself in node.exe: the virtual screen of one monitor, DPI aware, on the user\'s own desktop; a bad pace refused', async () => {
    const probe = (command: string): Promise<unknown> => {
      const p = stand.wine.node(`probe ${command}`, PROBE, [command]);
      return p.exitCode(60_000).then((code) => {
        expect(code, p.stderrLines.join('\n')).toBe(0);
        return (JSON.parse(p.lines.at(-1) ?? 'null') as { ok: unknown }).ok;
      });
    };
    expect(await probe('desktop')).toEqual({
      width: W, height: H, monitors: [{ x: 0, y: 0, w: W, h: H }],
      // Wine refuses per-monitor v2 (SetProcessDpiAwarenessContext answers FALSE) and takes system awareness.
      dpi: 'system', inputDesktop: 'default',
    });
    expect(await probe('desktop-bad')).toEqual({ code: 'TANDEM_ERR_BAD_INPUT', message: 'pollMs must be 1..10000, not 0' });
  });

  it('follows a resize of the screen (xrandr) with DesktopSize', async () => {
    const c = await client();
    const env = { ...process.env, DISPLAY: stand.xvfb.display };
    try {
      c.send({ type: 'SetEncodings', encodings: [ENCODING.Raw, ENCODING.DesktopSize] });
      c.send({ type: 'FramebufferUpdateRequest', incremental: false, x: 0, y: 0, w: W, h: H });
      await c.readUpdate();
      spawnSync('/usr/bin/xrandr', ['--newmode', '512x384', '0', '512', '0', '0', '0', '384', '0', '0', '0'], { env });
      spawnSync('/usr/bin/xrandr', ['--addmode', 'screen', '512x384'], { env });
      const r = spawnSync('/usr/bin/xrandr', ['-s', '512x384'], { env });
      expect(r.status, r.stderr.toString()).toBe(0);
      let resized = false;
      for (let i = 0; i < 40 && !resized; i++) {
        c.send({ type: 'FramebufferUpdateRequest', incremental: true, x: 0, y: 0, w: W, h: H });
        resized = (await c.readUpdate()).some((u) => u.encoding === ENCODING.DesktopSize && u.w === 512 && u.h === 384);
      }
      expect(resized).toBe(true);
    } finally {
      spawnSync('/usr/bin/xrandr', ['-s', `${W}x${H}`], { env });
      c.close();
    }
  });
});
