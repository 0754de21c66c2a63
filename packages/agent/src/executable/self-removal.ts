/**
 * What a downloaded agent leaves behind when it ends: nothing. Its private
 * folder is removed, and with `--remove-when-done` (the default; the page's
 * checkbox) its own file too, as Assist On-site's aosdel.exe does.
 *
 * - Linux: both are unlinked at once; the running program keeps its mapped
 *   image and loaded libraries until it exits.
 * - Windows: the file of a running program, and the DLLs it loaded (sharp's,
 *   libvips', koffi's), cannot be deleted ("Access is denied"). A detached
 *   `cmd /c`, started as the agent exits, tries to delete them once a second
 *   for up to two minutes, and stops as soon as they are gone: that is as
 *   soon as this process has exited and let go of them. (Waiting on
 *   `tasklist` instead fails under Wine, whose tasklist lists nothing, and
 *   would read a table whose layout Windows may change.)
 */
import { spawn } from 'node:child_process';
import { rmSync, unlinkSync } from 'node:fs';

/** What {@link cleanUp} did. */
export type CleanupOutcome = { kind: 'done' } | { kind: 'scheduled'; command: string } | { kind: 'failed'; reason: string };

/** Longest a scheduled Windows clean-up keeps trying, seconds. */
const WINDOWS_WAIT_SECONDS = 120;

/**
 * The `cmd /c` command line that removes `folder` (and `executable`, if
 * given) once nothing holds them any more. Undefined when a path holds `%`
 * or `"`, which cmd would expand or end the quoting at: nothing is
 * scheduled then.
 */
export function windowsCleanupCommand(folder: string, executable?: string): string | undefined {
  const paths = executable !== undefined ? [folder, executable] : [folder];
  if (paths.some((p) => /["%\r\n]/.test(p))) return undefined;
  const removeFile = executable !== undefined ? `del /f /q "${executable}" 2>nul & ` : '';
  const gone = executable !== undefined ? `if not exist "${executable}" if not exist "${folder}" exit` : `if not exist "${folder}" exit`;
  // The whole body in parentheses, the test in its own (`if … exit & ping` would make the pause part of the if),
  // and no `@` before them: Wine's cmd runs a `do @(…)` body once, not once a turn (tried under Wine 8).
  return `for /l %i in (1,1,${WINDOWS_WAIT_SECONDS}) do (${removeFile}rmdir /s /q "${folder}" 2>nul & (${gone}) & ping -n 2 127.0.0.1 >nul)`;
}

/** How a clean-up starts a program (node:child_process's spawn in use; tests pass a recorder). */
export type Spawner = (command: string, args: string[], options: { detached: boolean; stdio: 'ignore'; windowsHide: boolean; windowsVerbatimArguments: boolean }) => { unref(): void };

/** Options of {@link cleanUp}. */
export interface CleanupOptions {
  /** The private folder. */
  folder: string;
  /** The agent's own file, when it is to be removed too. */
  executable?: string;
  platform?: NodeJS.Platform;
  spawner?: Spawner;
}

/** Removes the private folder (and the file) now, or on Windows schedules it for when this process has exited. Synchronous: it runs in the process's `exit` handler. */
export function cleanUp(options: CleanupOptions): CleanupOutcome {
  const platform = options.platform ?? process.platform;
  if (platform === 'win32') {
    const command = windowsCleanupCommand(options.folder, options.executable);
    if (command === undefined) return { kind: 'failed', reason: 'its path holds a character cmd cannot take (% or ")' };
    const spawner: Spawner = options.spawner ?? ((c, a, o) => spawn(c, a, o));
    try {
      // /s with outer quotes: cmd takes the rest as the command line exactly (`cmd /?`).
      spawner('cmd.exe', ['/d', '/s', '/c', `"${command}"`], { detached: true, stdio: 'ignore', windowsHide: true, windowsVerbatimArguments: true }).unref();
    } catch (err) {
      return { kind: 'failed', reason: (err as Error).message };
    }
    return { kind: 'scheduled', command };
  }
  try {
    rmSync(options.folder, { recursive: true, force: true, maxRetries: 2 });
    if (options.executable !== undefined) unlinkSync(options.executable);
  } catch (err) {
    return { kind: 'failed', reason: (err as Error).message };
  }
  return { kind: 'done' };
}
