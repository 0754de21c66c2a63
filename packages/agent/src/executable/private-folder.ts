/**
 * The downloaded agent's private temporary folder: made at start under the
 * system's temporary folder (TMPDIR; TEMP on Windows) with mode 0700,
 * holding the parts the executable carries (sharp and libvips, the page's
 * files, the agent's code), and removed at exit. Its name carries the
 * process id, so that a later start removes the folder of an agent that was
 * killed before it could (SIGKILL, a power cut).
 */
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { TandemError } from '@tandem/protocol';

/** The folder's name before its process id. */
export const FOLDER_PREFIX = 'tandem-agent-';

/** A private folder that exists until {@link PrivateFolder.remove}. */
export class PrivateFolder {
  readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  /**
   * Makes the folder under `parent` (the system's temporary folder by
   * default). Throws TANDEM_ERR_TEMP_UNWRITABLE naming the folder and the
   * cause when it cannot be made or is not private.
   */
  static create(parent: string = tmpdir()): PrivateFolder {
    let path: string;
    try {
      path = mkdtempSync(join(parent, `${FOLDER_PREFIX}${process.pid}-`));
    } catch (err) {
      throw unwritable(parent, err);
    }
    const folder = new PrivateFolder(path);
    try {
      // mkdtemp makes it 0700 already; say so explicitly, whatever the umask.
      if (process.platform !== 'win32') chmodSync(path, 0o700);
      const stat = lstatSync(path);
      if (!stat.isDirectory() || (process.platform !== 'win32' && ((stat.mode & 0o077) !== 0 || stat.uid !== process.getuid?.()))) {
        throw new Error('it is not a folder of this user with mode 0700');
      }
    } catch (err) {
      folder.remove();
      throw unwritable(parent, err);
    }
    return folder;
  }

  /** Writes `bytes` at `name` (a relative path with `/`) inside the folder, making the folders on the way (0700; files 0600). */
  write(name: string, bytes: Uint8Array): void {
    const target = resolve(this.path, ...name.split('/'));
    const inside = relative(this.path, target);
    if (inside === '' || inside.startsWith('..') || inside.split(sep).includes('..')) throw new TandemError('TANDEM_ERR_INTERNAL', `asset ${name}: outside the private folder`);
    try {
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      writeFileSync(target, bytes, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      throw unwritable(this.path, err);
    }
  }

  /** Removes the folder and everything in it (safe to call more than once). */
  remove(): void {
    rmSync(this.path, { recursive: true, force: true, maxRetries: 2 });
  }
}

function unwritable(folder: string, err: unknown): TandemError {
  const cause = err instanceof Error ? err.message : String(err);
  return new TandemError(
    'TANDEM_ERR_TEMP_UNWRITABLE',
    `cannot make a private temporary folder in ${folder} (${cause}); set ${process.platform === 'win32' ? 'TEMP' : 'TMPDIR'} to a folder you can write and start again`,
    { cause: err },
  );
}

/** True when process `pid` no longer runs (or cannot be ours to signal). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes the private folders that agents of this user left under `parent`
 * when they were killed: those named {@link FOLDER_PREFIX}PID-… whose
 * process is gone. Anything else there is left alone, and a folder that
 * cannot be removed stays (it is only a leftover).
 */
export function removeStaleFolders(parent: string = tmpdir()): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    // Nothing can be listed there: the folder this start makes will say why, if it cannot be made either.
    return;
  }
  for (const name of names) {
    const match = new RegExp(`^${FOLDER_PREFIX}(\\d+)-[A-Za-z0-9]{6}$`).exec(name);
    const pid = Number(match?.[1]);
    if (match === null || !(pid > 0) || pid === process.pid || !gone(pid)) continue;
    const path = join(parent, name);
    try {
      const stat = lstatSync(path);
      if (stat.isDirectory() && (process.platform === 'win32' || stat.uid === process.getuid?.())) rmSync(path, { recursive: true, force: true });
    } catch {
      // Another user's, or removed meanwhile by another agent: either way not this start's to clean.
      continue;
    }
  }
}
