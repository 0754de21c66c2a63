/**
 * The X11 CLIPBOARD on a real Xvfb, checked with xclip: both directions,
 * TARGETS, STRING's Latin-1 with `?` for what it cannot hold, change
 * notifications, and the bound (too long refused, nothing lost).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXvfb, sleep, type Xvfb } from '@tandem/test-kit';
import { X11Clipboard } from './x11-clipboard.js';

let xvfb: Xvfb;
let clip: X11Clipboard;
const owners: ChildProcess[] = [];

/** Reads the CLIPBOARD with xclip, asynchronously: the clipboard under test answers in this same process. */
function xclipOut(target = 'UTF8_STRING', encoding: BufferEncoding = 'utf8'): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/xclip', ['-selection', 'clipboard', '-o', '-t', target], { env: { ...process.env, DISPLAY: xvfb.display }, timeout: 5000, encoding: 'buffer' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`xclip -o: ${err.message} ${stderr.toString()}`));
      else resolve(stdout.toString(encoding));
    });
  });
}

function xclipIn(text: string): void {
  const p = spawn('/usr/bin/xclip', ['-selection', 'clipboard', '-t', 'UTF8_STRING', '-quiet'], { env: { ...process.env, DISPLAY: xvfb.display }, stdio: ['pipe', 'ignore', 'ignore'] });
  p.stdin.end(text);
  owners.push(p);
}

async function until<T>(fn: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(50);
  }
}

beforeAll(async () => {
  xvfb = await startXvfb('320x200x24');
  clip = await X11Clipboard.open({ display: xvfb.display });
});
afterAll(() => {
  clip.close();
  for (const p of owners) p.kill();
  xvfb.stop();
});

describe('X11Clipboard', () => {
  it('holds no text on a fresh display', async () => {
    expect(await clip.readText()).toBeUndefined();
  });

  it('writes UTF-8 text that xclip reads, with TARGETS and a Latin-1 STRING', async () => {
    await clip.writeText('héllo ✓ 日本\nline 2');
    expect(await xclipOut()).toBe('héllo ✓ 日本\nline 2');
    expect((await xclipOut('TARGETS')).split('\n')).toEqual(expect.arrayContaining(['TARGETS', 'UTF8_STRING', 'STRING']));
    expect(await xclipOut('STRING', 'latin1')).toBe('héllo ? ??\nline 2');
    expect(await clip.readText()).toBe('héllo ✓ 日本\nline 2');
  });

  it('reads what xclip puts there and hears the change', async () => {
    let changes = 0;
    const stop = clip.onChange(() => { changes++; });
    xclipIn('from the customer ✓');
    expect(await until(async () => { const t = await clip.readText(); return t === 'from the customer ✓' ? t : undefined; })).toBe('from the customer ✓');
    await until(() => Promise.resolve(changes > 0 ? true : undefined));
    stop();
  });

  it('refuses too long text with a clear message and keeps the clipboard as it was', async () => {
    await clip.writeText('kept');
    await expect(clip.writeText('x'.repeat(clip.maxBytes + 1))).rejects.toThrow(/longer than .* the clipboard was left as it was/);
    expect(await xclipOut()).toBe('kept');
  });

  it('refuses to read text beyond the bound (xclip offers INCR) with a clear message', async () => {
    xclipIn('y'.repeat(clip.maxBytes + 10));
    await sleep(500);
    await expect(clip.readText()).rejects.toThrow(/longer than \d+ bytes, the most the agent takes/);
  });
});
