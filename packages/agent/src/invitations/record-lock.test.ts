import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TandemError } from '@tandem/protocol';
import { withRecordLock } from './record-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The id of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('withRecordLock', () => {
  it('holds the lock file while the change runs and removes it after, even when the change throws', () => {
    const path = join(dir, 'a.json');
    expect(withRecordLock(path, () => existsSync(`${path}.lock`))).toBe(true);
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect(() => withRecordLock(path, () => { throw new Error('boom'); })).toThrow('boom');
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('waits for a live owner, then gives up with TANDEM_ERR_CONFLICT naming the lock', () => {
    const path = join(dir, 'b.json');
    writeFileSync(`${path}.lock`, `${process.pid}\n`);
    let error: unknown;
    try {
      withRecordLock(path, () => 'never', 50);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TandemError);
    expect((error as TandemError).code).toBe('TANDEM_ERR_CONFLICT');
    expect((error as TandemError).message).toContain('b.json.lock');
    rmSync(`${path}.lock`);
  });

  it('takes over the lock of a process that died mid-update, and an empty lock left long ago', () => {
    const path = join(dir, 'c.json');
    writeFileSync(`${path}.lock`, `${deadPid()}\n`);
    expect(withRecordLock(path, () => 'ran', 50)).toBe('ran');
    writeFileSync(`${path}.lock`, '');
    const old = (Date.now() - 10_000) / 1000;
    utimesSync(`${path}.lock`, old, old);
    expect(withRecordLock(path, () => 'ran again', 50)).toBe('ran again');
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('does not take over a fresh empty lock (its owner is writing its id)', () => {
    const path = join(dir, 'd.json');
    writeFileSync(`${path}.lock`, '');
    expect(() => withRecordLock(path, () => 'never', 50)).toThrow(/another Tandem process/);
    rmSync(`${path}.lock`);
  });
});
