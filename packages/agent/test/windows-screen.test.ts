/**
 * The downloaded Windows agent under Wine on a real Xvfb, with the Windows
 * desktop driver (GDI capture, SendInput): downloaded from the relay
 * (`/download/tandem-windows-x64.exe`, stamped), run in a fresh Wine prefix
 * with the customer's machine's environment, it joins by code and the
 * technician client's lossless `/snapshot` equals the X server's own
 * screenshot (xwd) pixel for pixel; `/type` and `/click` reach a Windows
 * program (the harness's test window) in shared control and nothing of them
 * in view only; after the customer's Esc (the low-level keyboard hook) the
 * same input reaches nothing, and Ctrl+Alt+Shift+S takes control back too.
 *
 * Which path this exercises: GDI (BitBlt of the screen DC into a DIB
 * section), the only one Wine has; DXGI Desktop Duplication is not.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  diff, requireTools, rgbOf, screenshot, startColourXterm, startWindowsStand, tempDir, TestWindow, waitFor, waitForColour, XTERM_RED, type WindowsStand,
} from '@tandem/test-kit';

const W = 800, H = 600;
/** The test window: right half of the screen, clear of the xterm at the top left. */
const PLACE = { x: 520, y: 300, width: 240, height: 200 };

describe('the downloaded Windows agent under Wine', () => {
  let stand: WindowsStand;
  let dir: string;

  beforeAll(async () => {
    requireTools();
    dir = tempDir('tandem-windows-screen-');
    stand = await startWindowsStand(W, H);
    // Coloured text from an X program: Wine's GDI reads the whole X screen, not only Wine's windows.
    startColourXterm(stand.xvfb.display, dir);
    await waitForColour(stand.xvfb.display, dir, XTERM_RED);
  }, 180_000);

  afterAll(async () => {
    await stand?.stop();
  });

  function xdotool(...args: string[]): void {
    const r = spawnSync('/usr/bin/xdotool', args, { env: { ...process.env, DISPLAY: stand.xvfb.display }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`xdotool ${args.join(' ')}: ${r.stderr}`);
  }

  it('joins by code; the snapshot is the X screen exactly; input reaches a Windows program in control only, and not after Esc; Ctrl+Alt+Shift+S stops control too', async () => {
    const win = await TestWindow.open(stand.wine, PLACE);
    const tech = stand.relay.tech('kato', stand.techPw, ['--mode', 'view']);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1] ?? '';
    const agent = stand.agent(['join', code, '--no-browser', '--name', 'Ito', '--no-remove-when-done']);
    await agent.waitFor(/\[y\/n\]$/, 90_000, 'err');
    agent.send('y');
    await tech.waitFor(/^event: accepted view$/, 30_000);
    await tech.waitFor(new RegExp(`^event: screen ${W}x${H}$`), 30_000);

    // The screen does not change from here to the X server's screenshot (the pointer is not in either).
    const first = join(dir, 'first.png');
    tech.send(`/snapshot ${first}`);
    await tech.waitFor(new RegExp(`^event: snapshot ${first} ${W}x${H}$`));
    expect(diff(screenshot(stand.xvfb.display, dir), rgbOf(first), W)).toEqual({ maxDelta: 0, pixels: 0 });

    // View only: the client sends the input anyway (it plays a hostile console); the agent drops it.
    const clickX = PLACE.x + 40, clickY = PLACE.y + 30;
    tech.send('/type view');
    tech.send(`/click ${clickX} ${clickY}`);
    tech.send('/sleep 1000');
    const viewShot = join(dir, 'view.png');
    tech.send(`/snapshot ${viewShot}`);
    await tech.waitFor(new RegExp(`^event: snapshot ${viewShot} `));
    expect(win.events().filter((e) => !e.startsWith('ready '))).toEqual([]);

    tech.send('/request control');
    await agent.waitFor(/control.*\[y\/n\]/i, 30_000, 'err');
    agent.send('y');
    await tech.waitFor(/^event: mode control$/, 30_000);
    tech.send(`/click ${clickX} ${clickY}`);
    await win.waitFor(new RegExp(`^down left ${clickX - PLACE.x} ${clickY - PLACE.y}$`));
    tech.send('/type Hello, Windows!');
    await win.waitFor(/^char 33$/);
    expect(win.typed()).toBe('Hello, Windows!');

    // The customer presses Esc on their own keyboard: control ends, the session goes on in view only.
    xdotool('key', 'Escape');
    await tech.waitFor(/^event: mode view$/, 30_000);
    // The hook observes Esc without taking it: the window got it as well.
    await win.waitFor(/^char 27$/);
    const before = win.events().length;
    tech.send('/type after');
    tech.send(`/click ${clickX} ${clickY}`);
    tech.send('/sleep 1000');
    const afterShot = join(dir, 'after.png');
    tech.send(`/snapshot ${afterShot}`);
    await tech.waitFor(new RegExp(`^event: snapshot ${afterShot} `));
    expect(win.events().slice(before)).toEqual([]);
    expect(win.typed()).toBe('Hello, Windows!\u001b');

    // Control again, and Ctrl+Alt+Shift+S (the X11 agent's hotkey) takes it back on Windows too.
    tech.send('/request control');
    await waitFor(() => agent.stderrLines.filter((l) => /control.*\[y\/n\]/i.test(l)).length === 2, 30_000, 'the second question for control');
    agent.send('y');
    await waitFor(() => tech.count(/^event: mode control$/) === 2, 30_000, 'control again');
    xdotool('key', 'ctrl+alt+shift+s');
    await waitFor(() => tech.count(/^event: mode view$/) === 2, 30_000, 'the second step down to view');

    tech.endInput();
    expect(await tech.exitCode()).toBe(0);
    expect(await agent.exitCode(60_000)).toBe(0);
    win.close();
  });
});
