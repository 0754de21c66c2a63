/**
 * Received files on a real disk: hostile names never leave the folder or
 * name a device, an existing file is never replaced, and a discarded
 * transfer leaves nothing.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { safeFileName } from '@tandem/protocol';
import { openFolderSink } from './folder-sink.js';

const made: string[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-sink-'));
  made.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function save(dir: string, name: string, content = 'x'): Promise<string> {
  const sink = await openFolderSink(dir, name);
  await sink.write(new TextEncoder().encode(content));
  return sink.commit();
}

describe('safeFileName', () => {
  it.each([
    ['../../.bashrc', 'bashrc'],
    ['/etc/passwd', 'passwd'],
    ['C:\\Windows\\System32\\drivers\\etc\\hosts', 'hosts'],
    ['..', 'file'],
    ['a\u0000b.txt', 'a_b.txt'],
    ['line\nbreak\u001b[31m.txt', 'line_break_[31m.txt'],
    ['CON', '_CON'],
    ['con.txt', '_con.txt'],
    ['LPT1.log', '_LPT1.log'],
    ['COM¹', '_COM¹'],
    ['what?<>|*".txt', 'what______.txt'],
    ['trailing. . ', 'trailing'],
    ['', 'file'],
  ])('%j becomes %j', (sent, safe) => {
    expect(safeFileName(sent)).toBe(safe);
  });

  it('cuts a very long name to 200 bytes of UTF-8, keeping its extension and whole characters', () => {
    const safe = safeFileName(`${'長'.repeat(400)}.pdf`);
    expect(new TextEncoder().encode(safe).length).toBeLessThanOrEqual(200);
    expect(safe.endsWith('長.pdf')).toBe(true);
  });
});

describe('openFolderSink', () => {
  it('keeps every hostile name inside the folder', async () => {
    const dir = folder();
    for (const name of ['../../.bashrc', '/etc/passwd', '..\\..\\evil.exe', 'nul\u0000byte', 'CON', 'x'.repeat(5000), '.']) {
      const path = await save(dir, name);
      expect(dirname(path)).toBe(dir);
    }
    expect(readdirSync(dir).sort()).toEqual(['_CON', 'bashrc', 'evil.exe', 'file', 'nul_byte', 'passwd', 'x'.repeat(200)].sort());
  });

  it('never replaces an existing file: the next free numbered name instead', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'report.pdf'), 'theirs');
    expect(await save(dir, 'report.pdf', 'one')).toBe(join(dir, 'report (2).pdf'));
    expect(await save(dir, 'report.pdf', 'two')).toBe(join(dir, 'report (3).pdf'));
    expect(readFileSync(join(dir, 'report.pdf'), 'utf8')).toBe('theirs');
    expect(readFileSync(join(dir, 'report (2).pdf'), 'utf8')).toBe('one');
  });

  it('writes under a hidden temporary name until committed, and a discard leaves nothing', async () => {
    const dir = folder();
    const sink = await openFolderSink(dir, 'data.bin');
    await sink.write(new Uint8Array(1000));
    expect(readdirSync(dir)).toEqual([sink.tempPath.slice(dir.length + 1)]);
    expect(readdirSync(dir)[0]).toMatch(/^\.[0-9a-f]{16}\.tandem-partial$/);
    await sink.discard();
    expect(readdirSync(dir)).toEqual([]);
  });
});
