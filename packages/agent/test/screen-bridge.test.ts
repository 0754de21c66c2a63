/**
 * Bridge mode end to end: the agent (`tandem join --vnc`) in front of x11vnc
 * and TigerVNC's Xvnc with VNC password authentication, a hostile technician
 * reading the real server's ServerInit and updates and typing into an xterm.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptOnTerminal, appears, freeDisplay, freePort, HostileTech, RelayFixture, sleep, startXterm, startXvfb, tempDir, waitModeCount, waitPort, type Xvfb } from '@tandem/test-kit';

const W = 640, H = 480;
const VNC_PASSWORD = 'bridge-8';

describe('bridge mode to a VNC server already running', () => {
  const relay = new RelayFixture();
  const password = 'pw-bridge-correct-horse';
  const procs: ChildProcess[] = [];
  const xvfbs: Xvfb[] = [];
  const techs: HostileTech[] = [];
  let dir: string;
  let storedPasswd: string;

  beforeAll(async () => {
    for (const tool of ['/usr/bin/x11vnc', '/usr/bin/Xtigervnc', '/usr/bin/Xvfb', '/usr/bin/xterm']) {
      if (!existsSync(tool)) throw new Error(`missing ${tool}: run \`npm test\`, which installs x11vnc and tigervnc-standalone-server`);
    }
    dir = tempDir();
    storedPasswd = join(dir, 'vncpasswd');
    const r = spawnSync('/usr/bin/x11vnc', ['-storepasswd', VNC_PASSWORD, storedPasswd]);
    if (r.status !== 0) throw new Error(`x11vnc -storepasswd: ${r.stderr.toString()}`);
    await relay.start();
    await relay.addUser('bridger', 'technician', password);
  });

  afterAll(async () => {
    for (const t of techs) await t.end();
    await relay.stop();
    for (const p of procs) p.kill();
    for (const x of xvfbs) x.stop();
  });

  /** Runs a control session through `--vnc 127.0.0.1:port` and types into the xterm on `display`. */
  async function bridgeSession(port: number, display: string, passwordFile: string, file: string): Promise<void> {
    const tech = await HostileTech.start(relay, 'bridger', password, 'control');
    techs.push(tech);
    const agent = relay.join(tech.code, ['--vnc', `127.0.0.1:${port}`, '--vnc-password-file', passwordFile], { DISPLAY: display });
    await acceptOnTerminal(agent);
    await waitModeCount(tech, 'control', 1);
    const init = await tech.handshake();
    expect(init).toMatchObject({ width: W, height: H });
    tech.msg({ type: 'SetEncodings', encodings: [0] });
    const rects = await tech.update(W, H);
    expect(rects.reduce((n, r) => n + r.w * r.h, 0)).toBeGreaterThanOrEqual(W * H);
    tech.msg({ type: 'PointerEvent', buttonMask: 0, x: 100, y: 100 });
    tech.killLine();
    await tech.type(`touch ${file}\n`);
    expect(await appears(file, 8000)).toBe(true);
    await tech.end();
    expect(await agent.exitCode()).toBe(0);
  }

  it('x11vnc (-rfbauth, vncpasswd format): the real ServerInit, updates, and input in control', async () => {
    const xvfb = await startXvfb(`${W}x${H}x24`);
    xvfbs.push(xvfb);
    procs.push(startXterm(xvfb.display, dir));
    const port = await freePort();
    procs.push(spawn('/usr/bin/x11vnc', ['-display', xvfb.display, '-rfbauth', storedPasswd, '-rfbport', String(port), '-localhost', '-forever', '-shared', '-quiet', '-nopw'], { stdio: 'ignore' }));
    await waitPort(port);
    await bridgeSession(port, xvfb.display, storedPasswd, join(dir, 'x11vnc-file'));

    // View only through the bridge: the same typing never reaches the server.
    {
      const tech = await HostileTech.start(relay, 'bridger', password, 'view');
      techs.push(tech);
      const agent = relay.join(tech.code, ['--vnc', `127.0.0.1:${port}`, '--vnc-password-file', storedPasswd], { DISPLAY: xvfb.display });
      await acceptOnTerminal(agent);
      await waitModeCount(tech, 'view', 1);
      expect(await tech.handshake()).toMatchObject({ width: W, height: H });
      tech.msg({ type: 'SetEncodings', encodings: [0] });
      await tech.update(W, H);
      tech.killLine();
      await tech.type(`touch ${join(dir, 'x11vnc-view-file')}\n`);
      await tech.update(W, H);
      expect(await appears(join(dir, 'x11vnc-view-file'), 1500)).toBe(false);
      await tech.end();
      expect(await agent.exitCode()).toBe(0);
    }

    // A wrong password: the customer sees why, the technician is told, the session goes on in chat.
    const wrong = join(dir, 'wrong.txt');
    writeFileSync(wrong, 'not-this\n');
    const tech = await HostileTech.start(relay, 'bridger', password, 'view');
    techs.push(tech);
    const agent = relay.join(tech.code, ['--vnc', `127.0.0.1:${port}`, '--vnc-password-file', wrong], { DISPLAY: xvfb.display });
    await acceptOnTerminal(agent);
    const chat = await tech.waitEvent((e) => e.type === 'chat');
    expect(chat.text).toMatch(/screen cannot be shared: the VNC server at 127\.0\.0\.1:\d+: refused the VNC password/);
    await waitModeCount(tech, 'chat', 1);
    expect(agent.stderrLines.join('\n')).toMatch(/error: TANDEM_ERR_UNAUTHORIZED the VNC server at .* refused the VNC password/);
    await tech.end();
    expect(await agent.exitCode()).toBe(0);
  });

  it("TigerVNC's Xvnc (-SecurityTypes VncAuth, plain-text password file on the agent's side)", async () => {
    // Xtigervnc needs a display number of its own: this file's range, apart from the other bridge test's.
    const n = freeDisplay(140, 190);
    const port = await freePort();
    procs.push(spawn('/usr/bin/Xtigervnc', [`:${n}`, '-geometry', `${W}x${H}`, '-depth', '24', '-SecurityTypes', 'VncAuth', '-PasswordFile', storedPasswd, '-rfbport', String(port), '-localhost', '-nolisten', 'tcp'], { stdio: 'ignore' }));
    await waitPort(port);
    procs.push(startXterm(`:${n}`, dir));
    await sleep(800);
    const plain = join(dir, 'plain.txt');
    writeFileSync(plain, `${VNC_PASSWORD}\n`);
    await bridgeSession(port, `:${n}`, plain, join(dir, 'tigervnc-file'));
  });

  it('an unreachable VNC server: a clear error, and the session goes on in chat', async () => {
    const port = await freePort();
    const tech = await HostileTech.start(relay, 'bridger', password, 'view');
    techs.push(tech);
    const agent = relay.join(tech.code, ['--vnc', `127.0.0.1:${port}`], {});
    await acceptOnTerminal(agent);
    const chat = await tech.waitEvent((e) => e.type === 'chat');
    expect(chat.text).toMatch(/the VNC server at 127\.0\.0\.1:\d+: unreachable/);
    await waitModeCount(tech, 'chat', 1);
    await tech.end();
    expect(await agent.exitCode()).toBe(0);
  });
});
