/**
 * The gatekeeper end to end: relay, agent (`tandem join --no-browser` on an
 * Xvfb with an xterm) and a hostile technician that speaks RFB itself and
 * types shell commands whatever the mode.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptOnTerminal, appears, HostileTech, RelayFixture, requireTools, sleep, startXterm, startXvfb, stepUpToControl, tempDir, waitModeCount, type Proc, type Xvfb } from '@tandem/test-kit';

const W = 640, H = 480;

describe('the gatekeeper enforces the customer\'s mode on the bytes', () => {
  const relay = new RelayFixture();
  let password = '';
  let xvfb: Xvfb;
  let xterm: ChildProcess;
  let dir: string;
  const techs: HostileTech[] = [];

  beforeAll(async () => {
    requireTools();
    dir = tempDir();
    xvfb = await startXvfb(`${W}x${H}x24`);
    xterm = startXterm(xvfb.display, dir);
    await relay.start();
    password = 'pw-hostile-correct-horse';
    await relay.addUser('hostile', 'technician', password);
  });

  afterAll(async () => {
    for (const t of techs) await t.end();
    await relay.stop();
    xterm?.kill();
    xvfb?.stop();
  });

  async function session(mode: 'view' | 'control', env: NodeJS.ProcessEnv = { DISPLAY: xvfb.display }): Promise<{ tech: HostileTech; agent: Proc }> {
    const tech = await HostileTech.start(relay, 'hostile', password, mode);
    techs.push(tech);
    const agent = relay.join(tech.code, [], env);
    await acceptOnTerminal(agent);
    await waitModeCount(tech, mode, 1);
    await agent.waitFor(new RegExp(`^event: mode ${mode}$`));
    return { tech, agent };
  }

  async function rfbStart(tech: HostileTech): Promise<void> {
    const init = await tech.handshake();
    expect(init).toMatchObject({ width: W, height: H, bpp: 32 });
    tech.msg({ type: 'SetEncodings', encodings: [0, -223] });
    expect((await tech.update(W, H)).length).toBeGreaterThan(0);
  }

  it('in control, typed keys reach the xterm; in view the same typing changes nothing, and stepping up makes it work again', async () => {
    const { tech, agent } = await session('control');
    await rfbStart(tech);
    tech.msg({ type: 'PointerEvent', buttonMask: 0, x: 100, y: 100 });
    tech.killLine();
    await tech.type(`touch ${join(dir, 'ctl-file')}\n`);
    expect(await appears(join(dir, 'ctl-file'), 8000)).toBe(true);

    agent.send('/stop-control');
    await waitModeCount(tech, 'view', 1);
    await agent.waitFor(/^event: mode view$/);
    tech.killLine();
    await tech.type(`touch ${join(dir, 'view-file')}\n`);
    tech.msg({ type: 'PointerEvent', buttonMask: 4, x: 50, y: 50 });
    tech.msg({ type: 'ClientCutText', text: 'not for you' });
    // The update answers only after every earlier message was judged; then give the shell time to (not) act.
    await tech.update(W, H);
    expect(await appears(join(dir, 'view-file'), 1500)).toBe(false);

    // The same pipeline creates the file once the customer allows control again: the check above could fail.
    await stepUpToControl(tech, agent, 1);
    tech.killLine();
    await tech.type(`touch ${join(dir, 'view-file-2')}\n`);
    expect(await appears(join(dir, 'view-file-2'), 8000)).toBe(true);
    expect(existsSync(join(dir, 'view-file'))).toBe(false);
    await tech.end();
    expect(await agent.exitCode()).toBe(0);
  });

  it('a session accepted in view only never types, and its mode says view', async () => {
    const { tech, agent } = await session('view');
    expect(tech.events.find((e) => e.type === 'accepted')).toMatchObject({ mode: 'view' });
    await rfbStart(tech);
    tech.killLine();
    await tech.type(`touch ${join(dir, 'view-only-file')}\n`);
    await tech.update(W, H);
    expect(await appears(join(dir, 'view-only-file'), 1500)).toBe(false);
    expect(agent.lines).toContain('event: mode view');
    await tech.end();
    expect(await agent.exitCode()).toBe(0);
  });

  it('/stop-control on the agent\'s terminal mid-typing drops the rest, and the hotkey takes control back', async () => {
    const { tech, agent } = await session('control');
    await rfbStart(tech);
    tech.killLine();
    await tech.type(`touch ${join(dir, 'before-stop')}\n`);
    expect(await appears(join(dir, 'before-stop'), 8000)).toBe(true);
    // Typed slowly; the customer steps down before the Return.
    await tech.type(`touch ${join(dir, 'after-stop')}`, 5);
    await tech.update(W, H);
    agent.send('/stop-control');
    await waitModeCount(tech, 'view', 1);
    await tech.type('\n');
    await tech.update(W, H);
    expect(await appears(join(dir, 'after-stop'), 1500)).toBe(false);

    // Back to control; Ctrl+Alt+Shift+S on the customer's own keyboard steps down again.
    await stepUpToControl(tech, agent, 1);
    await sleep(300); // the grab is set up as control starts
    const beforeHotkey = agent.mark();
    const r = spawnSync('/usr/bin/xdotool', ['key', 'ctrl+alt+shift+s'], { env: { ...process.env, DISPLAY: xvfb.display } });
    expect(r.status, r.stderr.toString()).toBe(0);
    await waitModeCount(tech, 'view', 2);
    // The agent's second step down, not the first found again.
    await agent.waitFor(/^event: mode view$/, 20_000, 'out', beforeHotkey);
    tech.killLine();
    await tech.type(`touch ${join(dir, 'after-hotkey')}\n`);
    await tech.update(W, H);
    expect(await appears(join(dir, 'after-hotkey'), 1500)).toBe(false);
    await tech.end();
    expect(await agent.exitCode()).toBe(0);
  });

  for (const [name, bytes, mode] of [
    ['an unknown message type', Uint8Array.of(9, 0, 0, 0), 'view'],
    ['a malformed KeyEvent', Uint8Array.of(4, 7, 0, 0, 0, 0, 0, 0x61), 'control'],
    ['an oversized ClientCutText', Uint8Array.of(6, 0, 0, 0, 0x7f, 0, 0, 0), 'control'],
  ] as const) {
    it(`${name} ends the session with a clear error on both sides`, async () => {
      const { tech, agent } = await session(mode);
      await rfbStart(tech);
      tech.send(bytes);
      const chat = await tech.waitEvent((e) => e.type === 'chat');
      expect(chat.text).toMatch(/TANDEM_ERR_PROTOCOL: technician sent an RFB message the agent cannot check: /);
      await tech.waitEvent((e) => e.type === 'failed' || e.type === 'ended');
      expect(await agent.exitCode()).toBe(1);
      expect(agent.stderrLines.join('\n')).toMatch(/error: TANDEM_ERR_PROTOCOL technician sent an RFB message the agent cannot check: /);
    });
  }

  it('without an X display the customer sees why, the technician is told, and the session goes on in chat', async () => {
    const env = { DISPLAY: '' };
    const { tech, agent } = await session('view', env);
    const chat = await tech.waitEvent((e) => e.type === 'chat');
    expect(chat.text).toMatch(/screen cannot be shared: .*DISPLAY/);
    await waitModeCount(tech, 'chat', 1);
    await agent.waitFor(/^event: mode chat$/);
    expect(agent.stderrLines.join('\n')).toMatch(/error: TANDEM_ERR_BAD_INPUT .*DISPLAY/);
    await tech.end();
    expect(await agent.exitCode()).toBe(0);
  });
});
