/**
 * A lock beside one invitation record, so that a read-change-write in one
 * process (`tandem invite` counting a wrong password or noting where it holds
 * the ticket) and one in another (`tandem expire ID`, the page's "Expire
 * now") never lose each other's change. Node has no flock(2); the lock is a
 * file created with O_EXCL (`wx`, atomic on local file systems, POSIX open(2))
 * holding its owner's process id, removed when the change is written.
 *
 * A lock is held for one update, a few milliseconds. A lock whose owner is
 * gone (it crashed between taking the lock and writing) is taken over: its
 * process id no longer runs, or the file is still empty well after it was
 * made. Two processes finding the same dead lock at the same instant could
 * both remove it; that needs a crash mid-update and two updates racing in the
 * same millisecond, and costs at worst the change of one of them.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { TandemError } from '@tandem/protocol';

/** How long an update waits for another process's lock before giving up, ms. */
export const RECORD_LOCK_TIMEOUT_MS = 5000;
/** An empty lock older than this belongs to a process that died before writing its id, ms. */
const EMPTY_LOCK_STALE_MS = 2000;
/** Pause between attempts while another process holds the lock, ms. */
const RETRY_MS = 2;

/** A place to sleep synchronously: the store's API is synchronous and a lock is held for milliseconds only. */
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs `change` while holding the lock of the record at `path`; throws
 * TANDEM_ERR_CONFLICT when another process holds it longer than `timeoutMs`.
 */
export function withRecordLock<T>(path: string, change: () => T, timeoutMs = RECORD_LOCK_TIMEOUT_MS): T {
  const lock = `${path}.lock`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fd = tryCreate(lock);
    if (fd !== undefined) {
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      try {
        return change();
      } finally {
        unlinkSync(lock);
      }
    }
    if (isStale(lock)) {
      removeIfPresent(lock);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new TandemError('TANDEM_ERR_CONFLICT', `invitation record ${path} is being changed by another Tandem process (lock ${lock}); try again`);
    }
    Atomics.wait(SLEEPER, 0, 0, RETRY_MS);
  }
}

/** Creates the lock file; undefined when it exists already. */
function tryCreate(lock: string): number | undefined {
  try {
    return openSync(lock, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw new TandemError('TANDEM_ERR_INTERNAL', `cannot lock the invitation record (${lock}): ${(err as Error).message}`, { cause: err });
  }
}

/** True when the lock's owner is gone: its process does not run, or it never wrote its id. */
function isStale(lock: string): boolean {
  let text: string;
  let age: number;
  try {
    text = readFileSync(lock, 'utf8');
    age = Date.now() - statSync(lock).mtimeMs;
  } catch (err) {
    // Released between our attempt and this look: not stale, just try again.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new TandemError('TANDEM_ERR_INTERNAL', `cannot read the invitation record's lock (${lock}): ${(err as Error).message}`, { cause: err });
  }
  const pid = /^(\d{1,10})\n$/.exec(text)?.[1];
  if (pid === undefined) return age > EMPTY_LOCK_STALE_MS;
  return !processRuns(Number(pid));
}

/** True when a process with this id runs (signal 0 only checks). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user; ESRCH: it is gone.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeIfPresent(lock: string): void {
  try {
    unlinkSync(lock);
  } catch (err) {
    // Another process took the stale lock over first: the next attempt finds its fresh one.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new TandemError('TANDEM_ERR_INTERNAL', `cannot remove a stale lock (${lock}): ${(err as Error).message}`, { cause: err });
  }
}
