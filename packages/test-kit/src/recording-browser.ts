/**
 * A `$BROWSER` for tests: a shell script that notes its process id, may wait
 * until the test releases it, then becomes Debian's Chromium (`exec`, so the
 * process id and its /proc/PID/cmdline stay those the agent started) with a
 * DevTools port the test attaches to. The test thus sees exactly what another
 * local user sees of the browser the agent launched (its command line), and
 * drives the real page in that browser.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
import { tempDir } from './temp-dir.js';
import { waitFor } from './wait.js';

/** True when `pid` has exited (no process, or a zombie waiting for its parent). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').startsWith('Z');
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return true;
    throw err;
  }
}

/** A process's command line, '' when it is gone or not readable. */
function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // Exited between the listing and the read, or not ours to read: not a Chromium of this browser.
    return '';
  }
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The fake browser: its script, the process the agent started, and the Chromium it became. */
export class RecordingBrowser {
  readonly dir: string;
  /** The value for `$BROWSER`. */
  readonly command: string;
  #browser: Browser | undefined;

  /**
   * With `hold`, the script waits for {@link release} before it starts
   * Chromium. With `isolate`, Chromium gets a home, a temporary folder and
   * the system's PATH of its own, whatever the environment of the program
   * that started it (a customer's machine with an empty home and temporary
   * folder and no Node on PATH must stay as it was: Chromium writes its
   * caches and sockets there).
   */
  constructor(options: { hold?: boolean; isolate?: boolean } = {}) {
    this.dir = tempDir('tandem-browser-');
    this.command = join(this.dir, 'browser.sh');
    if (options.isolate === true) mkdirSync(join(this.dir, 'tmp'));
    const d = quote(this.dir);
    const args = [...CHROMIUM_ARGS, `--user-data-dir=${join(this.dir, 'profile')}`, '--remote-debugging-port=0'].map(quote).join(' ');
    writeFileSync(
      this.command,
      [
        '#!/bin/sh',
        options.isolate === true ? `export HOME=${quote(join(this.dir, 'home'))} TMPDIR=${quote(join(this.dir, 'tmp'))} PATH=/usr/bin:/bin` : '',
        `echo $$ > ${d}/pid.tmp && mv ${d}/pid.tmp ${d}/pid`,
        options.hold === true ? `while [ ! -e ${d}/go ]; do sleep 0.05; done` : '',
        `exec ${quote(CHROMIUM_PATH)} ${args} "$@"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
  }

  /** The id of the process the agent started (the script, then Chromium). */
  pid(): Promise<number> {
    const file = join(this.dir, 'pid');
    return waitFor(() => (existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined), 20_000, "the recording browser's process id");
  }

  /** That process's command line, as any local user reads it from /proc. */
  async cmdline(): Promise<string[]> {
    const pid = await this.pid();
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s) => s !== '');
  }

  /** Lets a held script go on to start Chromium. */
  release(): void {
    writeFileSync(join(this.dir, 'go'), '');
  }

  /** The page Chromium opened, through its DevTools port. */
  async page(): Promise<Page> {
    const portFile = join(this.dir, 'profile', 'DevToolsActivePort');
    const port = await waitFor(() => (existsSync(portFile) ? readFileSync(portFile, 'utf8').split('\n')[0] : undefined), 20_000, "the recording browser's DevTools port");
    this.#browser ??= await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
    const browser = this.#browser;
    return waitFor(() => browser.contexts()[0]?.pages()[0], 20_000, "the recording browser's page");
  }

  /** Ends the Chromium the agent started (by its process id) and removes the folder. */
  async close(): Promise<void> {
    if (this.#browser !== undefined) {
      // Chromium closes itself and all its helper processes; disconnecting alone would leave it running.
      const cdp = await this.#browser.newBrowserCDPSession();
      // The answer may never come: the connection goes down with the browser, which is the point.
      await cdp.send('Browser.close').catch(() => undefined);
      await this.#browser.close();
    }
    // The script's process (Chromium after exec) and every helper Chromium started with this profile.
    const mine = (): number[] => {
      const pids = readdirSync('/proc').filter((d) => /^[0-9]+$/.test(d)).map(Number);
      const recorded = existsSync(join(this.dir, 'pid')) ? Number(readFileSync(join(this.dir, 'pid'), 'utf8').trim()) : -1;
      return pids.filter((pid) => !gone(pid) && (pid === recorded || cmdlineOf(pid).includes(`--user-data-dir=${join(this.dir, 'profile')}`)));
    };
    const signal = (pids: number[], sig: NodeJS.Signals): void => {
      for (const pid of pids) {
        try {
          process.kill(pid, sig);
        } catch (err) {
          // ESRCH: it has exited meanwhile, which is what close wants.
          if (!(err instanceof Error && 'code' in err && err.code === 'ESRCH')) throw err;
        }
      }
    };
    signal(mine(), 'SIGTERM');
    // What does not end on SIGTERM in time is killed: close must leave no Chromium behind.
    await waitFor(() => mine().length === 0, 10_000, 'Chromium to exit').catch(() => signal(mine(), 'SIGKILL'));
    // A helper process may still be writing its last profile files as it exits.
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}
