/**
 * The relay as a real process (the built `tandem-relay`), one fixture for
 * every test: started on loopback with a folder of its own, its URL,
 * WebSocket URL, fingerprint and set-up link as it printed them, accounts
 * added with its command line, the `tandem` processes a test starts against
 * it, and one teardown that stops them all and removes the folder.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_PATH } from '@tandem/protocol';
import { Proc, runProcess, type ProcessResult } from './process.js';
import { PASSWORD } from './relay-api.js';
import { RELAY_BIN, assertBuilt } from './repo-paths.js';
import { tandem } from './tandem-cli.js';
import { tempDir } from './temp-dir.js';

/** Options of {@link startRelayProcess}. */
export interface RelayOptions {
  /** The data folder (default: `data` in the fixture's own folder); {@link RelayFixture.stop} removes it too. */
  dataDir?: string;
  /** HTTPS with a self-signed certificate (default: plain HTTP). */
  tls?: boolean;
  /** More arguments for `tandem-relay start`. */
  args?: string[];
}

/** What `tandem-relay start` printed before `listening:`. */
interface Started {
  proc: Proc;
  url: string;
  fingerprint: string | undefined;
  setupLink: string | undefined;
}

/** A relay process with its own folder, and the processes a test runs against it. */
export class RelayFixture {
  /** The fixture's folder: password files, invitations, the data folder unless another was given. */
  readonly dir: string;
  /** The relay's data folder (`--data`). */
  readonly dataDir: string;
  #started: Started | undefined;
  readonly #procs: Proc[] = [];

  constructor(options: { dataDir?: string } = {}) {
    this.dir = tempDir('tandem-relay-');
    this.dataDir = options.dataDir ?? join(this.dir, 'data');
  }

  /**
   * Starts `tandem-relay start --data DIR --listen 127.0.0.1:0` with `extra`
   * arguments (plain HTTP unless they name `--tls`) and resolves once it
   * prints `listening:`. `host` listens on another name: `localhost` for
   * WebAuthn, which refuses an IP address as the relying party ID.
   */
  async start(extra: string[] = [], options: { host?: string } = {}): Promise<void> {
    assertBuilt('relay');
    if (this.#started !== undefined) throw new Error('the relay fixture was started already');
    const args = ['start', '--data', this.dataDir, '--listen', `${options.host ?? '127.0.0.1'}:0`, ...(extra.includes('--tls') ? [] : ['--tls', 'off']), ...extra];
    const proc = new Proc('relay', process.execPath, [RELAY_BIN, ...args]);
    const url = (await proc.waitFor(/^listening: (\S+)$/))[1];
    if (url === undefined) throw new Error('relay: a listening line without a URL');
    const value = (key: string): string | undefined => proc.lines.find((l) => l.startsWith(`${key}: `))?.slice(key.length + 2);
    this.#started = { proc, url, fingerprint: value('fingerprint'), setupLink: value('setup') };
  }

  /** The relay process. */
  get proc(): Proc {
    return this.#running().proc;
  }

  /** Its base URL (`http://127.0.0.1:PORT`, or https). */
  get url(): string {
    return this.#running().url;
  }

  /** The console's address on it (`http://127.0.0.1:PORT/console/`); the support page is at {@link url}`/`. */
  get consoleUrl(): string {
    return `${this.url}${CONSOLE_PATH}`;
  }

  /** Its rendezvous endpoint (`ws://…/ws`). */
  get wsUrl(): string {
    return `${this.url.replace(/^http/, 'ws')}/ws`;
  }

  /** Its certificate's SHA-256 fingerprint, when it serves HTTPS. */
  get fingerprint(): string | undefined {
    return this.#running().fingerprint;
  }

  /** The first administrator's set-up link, printed on the first start of a data folder only. */
  get setupLink(): string | undefined {
    return this.#running().setupLink;
  }

  /** Writes a file in the fixture's folder and returns its path. */
  file(name: string, content: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  }

  /** Adds an account with the relay's command line (`user add … --password-file`); returns the password file's path. */
  async addUser(name: string, role: 'technician' | 'admin' = 'technician', password = PASSWORD, extra: string[] = []): Promise<string> {
    const pwFile = this.file(`${name}.pw`, `${password}\n`);
    const result = await runCli(['user', 'add', name, '--role', role, '--data', this.dataDir, '--password-file', pwFile, ...extra]);
    if (result.code !== 0) throw new Error(`user add ${name} failed: ${result.stderr}`);
    return pwFile;
  }

  /** Starts `tandem tech session` for `user` against this relay. */
  tech(user: string, pwFile: string, extra: string[] = []): Proc {
    return this.track(tandem(`tech ${user}`, ['tech', 'session', '--relay', this.url, '--user', user, '--password-file', pwFile, ...extra]));
  }

  /** Starts `tandem join CODE --no-browser` against this relay. */
  join(code: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Proc {
    return this.track(tandem('agent', ['join', code, '--relay', this.url, '--no-browser', ...extra], env));
  }

  /** Starts any `tandem` command line (stopped with the fixture). */
  agent(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
    return this.track(tandem('agent', args, env));
  }

  /** Stops `p` with the fixture. */
  track(p: Proc): Proc {
    this.#procs.push(p);
    return p;
  }

  /** Stops the relay process only (`signal`, default SIGTERM), keeping its folder; resolves with its exit code. */
  async shutdown(signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
    const { proc } = this.#running();
    proc.kill(signal);
    return proc.exited;
  }

  /** Stops every process the fixture started (the relay last, gracefully first) and removes its folders. */
  async stop(): Promise<void> {
    for (const p of this.#procs) p.kill('SIGKILL');
    const proc = this.#started?.proc;
    if (proc !== undefined) {
      proc.kill('SIGTERM');
      // A relay that does not stop in time is killed: the teardown must not hang the suite.
      await proc.exitCode(15_000).catch(() => proc.kill('SIGKILL'));
    }
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  #running(): Started {
    if (this.#started === undefined) throw new Error('the relay fixture is not started: call start() first');
    return this.#started;
  }
}

/**
 * A started relay: `tandem-relay start --data DIR --listen 127.0.0.1:0 --tls
 * off|self-signed` plus `args`. On failure nothing is left running.
 */
export async function startRelayProcess(options: RelayOptions = {}): Promise<RelayFixture> {
  const relay = new RelayFixture(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  try {
    await relay.start([...(options.tls === true ? ['--tls', 'self-signed'] : []), ...(options.args ?? [])]);
  } catch (err) {
    await relay.stop();
    throw err;
  }
  return relay;
}

/** Runs the relay's command line with `args` to its end; fails when it does not finish within `timeoutMs`. */
export async function runCli(args: string[], options: { timeoutMs?: number } = {}): Promise<ProcessResult> {
  assertBuilt('relay');
  const result = await runProcess(process.execPath, [RELAY_BIN, ...args], { timeoutMs: options.timeoutMs ?? 20_000 });
  if (result.timedOut) throw new Error(`tandem-relay ${args.join(' ')} timed out; stderr: ${result.stderr}`);
  return result;
}
