/**
 * The relay behind a real TLS-terminating reverse proxy (issue 12): nginx
 * from Debian in front of `tandem-relay start --tls off --trust-proxy`, in a
 * network namespace where only nginx's user may reach the relay's own port.
 * Both clients pin nginx's certificate; a whole session runs through it, the
 * screen included: a snapshot equals the X server's own screenshot, and keys
 * typed in control reach the customer's desktop.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentHome, ProxyLab, diff, requireTools, rgbOf, screenshot, sleep, startXterm, startXvfb, tempDir, type Xvfb } from '@tandem/test-kit';

const W = 640, H = 480;

describe('the relay behind nginx', () => {
  const lab = new ProxyLab();
  const home = new AgentHome();
  let pw = '';
  let xvfb: Xvfb;
  let xterm: ChildProcess;
  let dir: string;

  beforeAll(async () => {
    requireTools();
    dir = tempDir();
    xvfb = await startXvfb(`${W}x${H}x24`);
    xterm = startXterm(xvfb.display, dir);
    pw = await lab.start({ behindNginx: true });
    await sleep(800);
  }, 90_000);
  afterAll(async () => {
    await lab.stop();
    home.remove();
    xterm?.kill();
    xvfb?.stop();
  });

  it('carries a whole session with the screen, view then control', async () => {
    const tech = lab.tech(pw, {}, ['--mode', 'view']);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/, 30_000))[1]!;
    const agent = lab.join(code, home.env({ DISPLAY: xvfb.display }), ['--name', 'Ito']);
    await agent.waitFor(/view/i, 30_000, 'any');
    agent.send('y');
    await tech.waitFor(/^event: accepted view$/, 30_000);
    await tech.waitFor(new RegExp(`^event: screen ${W}x${H}$`), 30_000);
    const first = join(dir, 'first.png');
    tech.send(`/snapshot ${first}`);
    await tech.waitFor(new RegExp(`^event: snapshot ${first} ${W}x${H}$`));
    expect(diff(screenshot(xvfb.display, dir), rgbOf(first), W)).toEqual({ maxDelta: 0, pixels: 0 });

    tech.send('/request control');
    await agent.waitFor(/control.*\[y\/n\]/i, 20_000, 'any');
    agent.send('y');
    await tech.waitFor(/^event: mode control$/);
    const typed = join(dir, 'typed-through-nginx');
    const shot = join(dir, 'control.png');
    tech.send(`/type touch ${typed}\\n`);
    tech.send('/sleep 800');
    tech.send(`/snapshot ${shot}`);
    await tech.waitFor(new RegExp(`^event: snapshot ${shot} `));
    expect(existsSync(typed)).toBe(true);
    expect(diff(screenshot(xvfb.display, dir), rgbOf(shot), W)).toEqual({ maxDelta: 0, pixels: 0 });

    tech.endInput();
    expect(await tech.exitCode()).toBe(0);
    expect(await agent.exitCode()).toBe(0);
  });
});
