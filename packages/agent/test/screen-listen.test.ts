/**
 * `tandem join --rfb-listen`: the same built-in engine served to standard
 * viewers on loopback with VNC password authentication, checked with
 * vncsnapshot against the X server's own screenshot.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeVncPasswordFile } from '@tandem/rfb';
import { acceptOnTerminal, diff, HostileTech, RelayFixture, requireTools, rgbOf, runProcess, screenshot, sleep, startXterm, startXvfb, tempDir, TestRfbClient, waitModeCount, type Xvfb } from '@tandem/test-kit';

const W = 640, H = 480;

describe('tandem join --rfb-listen', () => {
  const relay = new RelayFixture();
  const password = 'pw-listen-correct-horse';
  let xvfb: Xvfb;
  let xterm: ChildProcess;
  let dir: string;
  let passwd: string;

  beforeAll(async () => {
    requireTools();
    dir = tempDir();
    passwd = join(dir, 'passwd');
    writeFileSync(passwd, encodeVncPasswordFile('listen-8'));
    xvfb = await startXvfb(`${W}x${H}x24`);
    xterm = startXterm(xvfb.display, dir);
    await relay.start();
    await relay.addUser('watcher', 'technician', password);
    await sleep(800);
  });

  afterAll(async () => {
    await relay.stop();
    xterm?.kill();
    xvfb?.stop();
  });

  it('vncsnapshot (ZRLE) sees the X server\'s picture while the session runs', async () => {
    const tech = await HostileTech.start(relay, 'watcher', password, 'view');
    const agent = relay.join(tech.code, ['--rfb-listen', '127.0.0.1:0', '--rfb-password-file', passwd], { DISPLAY: xvfb.display });
    const port = (await agent.waitFor(/^rfb-listen: 127\.0\.0\.1:(\d+)$/))[1];
    await acceptOnTerminal(agent);
    await waitModeCount(tech, 'view', 1);
    // The session's stream shares the desktop with the listener.
    expect(await tech.handshake()).toMatchObject({ width: W, height: H });

    const out = join(dir, 'snap.jpg');
    const r = await runProcess('/usr/bin/vncsnapshot', ['-quiet', '-passwd', passwd, '-encodings', 'zrle', '-nojpeg', '-nocursor', `127.0.0.1::${port}`, out], { timeoutMs: 15_000 });
    expect(r.code, r.stderr).toBe(0);
    const d = diff(screenshot(xvfb.display, dir), rgbOf(out), W);
    // vncsnapshot writes only JPEG (quality 100): its rounding and nothing more.
    expect(d.maxDelta).toBeLessThanOrEqual(8);
    expect(d.pixels).toBeLessThan(W * H * 0.002);

    // A wrong VNC password: the listener's own answer is SecurityResult failed with a reason (RFC 6143 §7.1.3), not just some failure of a viewer.
    const bad = await TestRfbClient.connect(Number(port));
    expect(await bad.handshake('wrong-pw')).toMatchObject({ result: 1, reason: expect.stringMatching(/\S/) });
    bad.close();
    // The same handshake with the right password is accepted: the refusal above was the password's.
    const good = await TestRfbClient.connect(Number(port));
    expect(await good.handshake('listen-8')).toMatchObject({ result: 0, width: W, height: H });
    good.close();
    await tech.end();
    expect(await agent.exitCode()).toBe(0);
  });

  it('refuses a non-loopback address and a missing password file', async () => {
    const a = relay.agent(['join', '12345678', '--relay', relay.url, '--rfb-listen', '0.0.0.0:5900', '--rfb-password-file', passwd]);
    expect(await a.exitCode()).not.toBe(0);
    expect(a.stderrLines.join('\n')).toMatch(/--rfb-listen: 0\.0\.0\.0 is not a loopback address/);
    const b = relay.agent(['join', '12345678', '--relay', relay.url, '--rfb-listen', '127.0.0.1:5900']);
    expect(await b.exitCode()).not.toBe(0);
    expect(b.stderrLines.join('\n')).toMatch(/--rfb-listen needs --rfb-password-file/);
  });
});
