/**
 * The Wine harness itself, on a real Xvfb: a fresh prefix runs the official
 * Windows node.exe with its output in files and lines typed into its
 * console; the test window records what the X server's own input (xdotool)
 * gives it; a missing program is an exit code and a message, not a hang.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXvfb, tempDir, TestWindow, WinePrefix, type Xvfb } from '../src/index.js';

describe('the Wine harness', () => {
  let xvfb: Xvfb;
  let wine: WinePrefix;
  let dir: string;

  beforeAll(async () => {
    dir = tempDir('tandem-wine-harness-');
    xvfb = await startXvfb('800x600x24');
    wine = await WinePrefix.create(xvfb.display);
  }, 180_000);

  afterAll(async () => {
    await wine?.close();
    xvfb?.stop();
  });

  it('runs node.exe with stdout and stderr in files, its exit code, and lines typed into its console', async () => {
    const script = join(dir, 'echo.cjs');
    // The console is read from before the first line is printed: a test sends only after that line.
    writeFileSync(script, [
      "process.stdin.setEncoding('utf8');",
      "process.stdin.on('data', (d) => { for (const l of d.split(/\\r?\\n/)) if (l) { console.log('got ' + l); if (l === 'quit') process.exit(3); } });",
      "console.log('platform ' + process.platform);",
      "console.error('to stderr');",
    ].join('\n'));
    const p = wine.node('echo', script);
    await p.waitFor(/^platform win32$/);
    await p.waitFor(/^to stderr$/, 30_000, 'err');
    p.send('hello');
    await p.waitFor(/^got hello$/);
    p.send('quit');
    expect(await p.exitCode()).toBe(3);
    expect(p.lines).toEqual(['platform win32', 'got hello', 'got quit']);
  });

  it('gives a missing script a non-zero exit and Node\'s message', async () => {
    const p = wine.node('missing', join(dir, 'no-such-script.cjs'));
    expect(await p.exitCode()).not.toBe(0);
    expect(p.stderrLines.join('\n')).toMatch(/Cannot find module/);
  });

  it('the test window records the characters and clicks the X server delivers', async () => {
    const win = await TestWindow.open(wine, { x: 100, y: 80, width: 300, height: 200 });
    try {
      const env = { ...process.env, DISPLAY: xvfb.display };
      expect(spawnSync('/usr/bin/xdotool', ['mousemove', '150', '130', 'click', '1'], { env }).status).toBe(0);
      await win.waitFor(/^down left 50 50$/);
      expect(spawnSync('/usr/bin/xdotool', ['type', 'Wine!'], { env }).status).toBe(0);
      await win.waitFor(/^char 33$/);
      expect(win.typed()).toBe('Wine!');
    } finally {
      win.close();
    }
  });
});
