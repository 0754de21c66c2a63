/**
 * `Proc.waitFor` with a mark: a line printed before the mark is not found
 * again, so a test that waits for the second "event: mode view" waits for it.
 * Real child processes (node) that print on a schedule the test controls
 * through their stdin.
 */
import { describe, expect, it } from 'vitest';
import { Proc } from '../src/process.js';

/** A process that prints "event: mode view" once per line it reads, and ends when its stdin ends. */
function echoer(): Proc {
  const script = "process.stdin.setEncoding('utf8'); process.stdin.on('data', (d) => { for (const _ of d.split('\\n').slice(1)) console.log('event: mode view'); }); process.stdin.on('end', () => process.exit(0));";
  return new Proc('echoer', process.execPath, ['-e', script]);
}

describe('Proc.waitFor from a mark', () => {
  it('finds only a line printed after the mark', async () => {
    const p = echoer();
    p.send('one');
    await p.waitFor(/^event: mode view$/);
    const mark = p.mark();
    expect(mark.out).toBe(1);
    // Without the mark the first line is found at once; with it, the wait goes on until the second.
    const second = p.waitFor(/^event: mode view$/, 10_000, 'out', mark);
    let settled = false;
    second.then(() => (settled = true), () => undefined);
    await p.waitFor(/^event: mode view$/);
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false);
    p.send('two');
    await second;
    expect(p.lines).toEqual(['event: mode view', 'event: mode view']);
    p.endInput();
    expect(await p.exitCode()).toBe(0);
  });

  it('fails once the output ends with no line after the mark, naming what it waited for', async () => {
    const p = echoer();
    p.send('one');
    await p.waitFor(/^event: mode view$/);
    const mark = p.mark();
    const waited = p.waitFor(/^event: mode view$/, 10_000, 'out', mark);
    p.endInput();
    await expect(waited).rejects.toThrow(/no line matching .*mode view.* before the output ended/);
  });
});
