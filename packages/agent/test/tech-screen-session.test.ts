/**
 * The technician CLI's screen commands across real processes: Xvfb with
 * xterm, the relay, `tandem join --no-browser` serving the X display through
 * the session, and `tandem tech session`. A `/snapshot` equals the X
 * server's own screenshot pixel for pixel; typing creates a file in control
 * and nothing in view only (the agent drops it, whatever the client sends);
 * in chat there is no screen to snapshot or type into.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diff, RelayFixture, requireTools, rgbOf, screenshot, sleep, startXterm, startXvfb, tempDir, type Xvfb } from '@tandem/test-kit';

const W = 640, H = 480;

describe('tandem tech session screen commands through the session', () => {
  const relay = new RelayFixture();
  let techPw = '';
  let xvfb: Xvfb;
  let xterm: ChildProcess;
  let dir: string;

  beforeAll(async () => {
    requireTools();
    dir = tempDir();
    xvfb = await startXvfb(`${W}x${H}x24`);
    xterm = startXterm(xvfb.display, dir);
    await relay.start();
    techPw = await relay.addUser('kato', 'technician');
    await sleep(800);
  });

  afterAll(async () => {
    await relay.stop();
    xterm?.kill();
    xvfb?.stop();
  });

  it('snapshots the customer screen exactly; typing changes it only in control', async () => {
    const tech = relay.tech('kato', techPw, ['--mode', 'view']);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    const agent = relay.join(code, ['--name', 'Ito'], { DISPLAY: xvfb.display });
    await agent.waitFor(/view/i, 20_000, 'any');
    agent.send('y');
    await tech.waitFor(/^event: accepted view$/);
    await tech.waitFor(new RegExp(`^event: screen ${W}x${H}$`));

    const first = join(dir, 'first.png');
    tech.send(`/snapshot ${first}`);
    await tech.waitFor(new RegExp(`^event: snapshot ${first} ${W}x${H}$`));
    expect(diff(screenshot(xvfb.display, dir), rgbOf(first), W)).toEqual({ maxDelta: 0, pixels: 0 });

    // View only: the client sends the keys anyway (it plays a hostile console); the agent drops them.
    const inView = join(dir, 'typed-in-view');
    const viewShot = join(dir, 'view.png');
    tech.send(`/type touch ${inView}\\n`);
    tech.send('/sleep 800');
    tech.send(`/snapshot ${viewShot}`);
    await tech.waitFor(new RegExp(`^event: snapshot ${viewShot} `));
    expect(existsSync(inView)).toBe(false);
    expect(diff(rgbOf(first), rgbOf(viewShot), W).pixels).toBe(0);

    tech.send('/request control');
    await agent.waitFor(/control.*\[y\/n\]/i, 20_000, 'any');
    agent.send('y');
    await tech.waitFor(/^event: mode control$/);
    const inControl = join(dir, 'typed-in-control');
    const controlShot = join(dir, 'control.png');
    tech.send(`/type touch ${inControl}\\n`);
    tech.send('/sleep 800');
    tech.send(`/snapshot ${controlShot}`);
    await tech.waitFor(new RegExp(`^event: snapshot ${controlShot} `));
    expect(existsSync(inControl)).toBe(true);
    // The typed command is on the customer's screen, and the snapshot shows exactly that screen.
    expect(diff(rgbOf(first), rgbOf(controlShot), W).pixels).toBeGreaterThan(0);
    expect(diff(screenshot(xvfb.display, dir), rgbOf(controlShot), W)).toEqual({ maxDelta: 0, pixels: 0 });

    // Back in chat the stream is over: screen commands fail on stderr and the session goes on.
    agent.send('/mode chat');
    await tech.waitFor(/^event: mode chat$/);
    tech.send(`/snapshot ${join(dir, 'chat.png')}`);
    tech.send('/type nothing');
    tech.send('/click 10 10');
    await tech.waitFor(/\/click: no screen in chat mode/, 20_000, 'err');
    expect(tech.stderrLines.filter((l) => /^error: .*no screen in chat mode/.test(l))).toHaveLength(3);
    expect(existsSync(join(dir, 'chat.png'))).toBe(false);

    tech.send('still here');
    await agent.waitFor(/^chat: still here$/);
    tech.endInput();
    expect(await tech.exitCode()).toBe(0);
    expect(await agent.exitCode()).toBe(0);
  });
});
