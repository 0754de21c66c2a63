/**
 * Test harness for end-to-end tests: real processes (relay, agent, technician
 * client) on loopback, driven through their command lines exactly as a help
 * desk's script would.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Repository root. */
export const ROOT = resolve(import.meta.dirname, '../../..');
const RELAY_BIN = join(ROOT, 'packages/relay/bin/tandem-relay.js');
const AGENT_BIN = join(ROOT, 'packages/cli/bin/tandem.js');

/** A running process whose output lines can be awaited. */
export class Proc {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  readonly stderrLines: string[] = [];
  readonly exited: Promise<number>;
  #waiters: { re: RegExp; from: number; stream: 'out' | 'err' | 'any'; resolve: (m: RegExpMatchArray) => void }[] = [];

  constructor(readonly name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#pipe(this.child.stdout, this.lines);
    this.#pipe(this.child.stderr, this.stderrLines);
    this.exited = new Promise((res) => this.child.on('exit', (code, signal) => res(code ?? (signal ? 128 : 1))));
  }

  #pipe(stream: NodeJS.ReadableStream, into: string[]): void {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        into.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
        this.#check();
      }
    });
  }

  #check(): void {
    this.#waiters = this.#waiters.filter((w) => {
      const pools = w.stream === 'out' ? [this.lines] : w.stream === 'err' ? [this.stderrLines] : [this.lines, this.stderrLines];
      for (const pool of pools) {
        for (const line of pool) {
          const m = line.match(w.re);
          if (m) {
            w.resolve(m);
            return false;
          }
        }
      }
      return true;
    });
  }

  /** Waits for a stdout line matching `re` (or on stderr with stream 'err', either with 'any'). */
  waitFor(re: RegExp, timeoutMs = 20_000, stream: 'out' | 'err' | 'any' = 'out'): Promise<RegExpMatchArray> {
    return new Promise((res, rej) => {
      const timer = setTimeout(
        () => rej(new Error(`${this.name}: no line matching ${re} within ${timeoutMs} ms.\nstdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderrLines.join('\n')}`)),
        timeoutMs,
      );
      this.#waiters.push({ re, from: 0, stream, resolve: (m) => { clearTimeout(timer); res(m); } });
      this.#check();
    });
  }

  /** Counts stdout lines matching `re`. */
  count(re: RegExp): number {
    return this.lines.filter((l) => re.test(l)).length;
  }

  /** Writes a line to stdin. */
  send(line: string): void {
    this.child.stdin.write(line + '\n');
  }

  /** Closes stdin. */
  endInput(): void {
    this.child.stdin.end();
  }

  /** Exit code, or fails after `timeoutMs`. */
  async exitCode(timeoutMs = 20_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${this.name} did not exit within ${timeoutMs} ms.\nstdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderrLines.join('\n')}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the process if it still runs. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** A relay process with its own data folder. */
export class RelayFixture {
  readonly dir: string;
  proc!: Proc;
  url = '';
  fingerprint: string | undefined;
  #procs: Proc[] = [];

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'tandem-e2e-'));
  }

  /** Starts the relay with `extra` arguments (plain HTTP unless `--tls` is given). */
  async start(extra: string[] = []): Promise<void> {
    const args = ['start', '--data', join(this.dir, 'data'), '--listen', '127.0.0.1:0'];
    if (!extra.includes('--tls')) args.push('--tls', 'off');
    this.proc = new Proc('relay', process.execPath, [RELAY_BIN, ...args, ...extra]);
    this.url = (await this.proc.waitFor(/^listening: (\S+)$/))[1]!;
    const fp = this.proc.lines.find((l) => l.startsWith('fingerprint: '));
    this.fingerprint = fp?.slice('fingerprint: '.length);
  }

  /** Writes a file in the fixture's folder and returns its path. */
  file(name: string, content: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  }

  /** Adds an account with a password; returns the password file's path. */
  async addUser(name: string, role: 'technician' | 'admin', password = `pw-${name}-correct-horse`, extra: string[] = []): Promise<string> {
    const pwFile = this.file(`${name}.pw`, password + '\n');
    const p = new Proc('user add', process.execPath, [RELAY_BIN, 'user', 'add', name, '--role', role, '--data', join(this.dir, 'data'), '--password-file', pwFile, ...extra]);
    const code = await p.exitCode();
    if (code !== 0) throw new Error(`user add ${name} failed: ${p.stderrLines.join('\n')}`);
    return pwFile;
  }

  /** Starts `tandem tech session` for `user`. */
  tech(user: string, pwFile: string, extra: string[] = []): Proc {
    return this.track(new Proc(`tech ${user}`, process.execPath, [AGENT_BIN, 'tech', 'session', '--relay', this.url, '--user', user, '--password-file', pwFile, ...extra]));
  }

  /** Starts `tandem join CODE --no-browser`. */
  join(code: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Proc {
    return this.track(new Proc('agent', process.execPath, [AGENT_BIN, 'join', code, '--relay', this.url, '--no-browser', ...extra], env));
  }

  /** Runs any `tandem` command line. */
  agent(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
    return this.track(new Proc('agent', process.execPath, [AGENT_BIN, ...args], env));
  }

  track(p: Proc): Proc {
    this.#procs.push(p);
    return p;
  }

  /** Signs in over the HTTP API and returns the bearer token. */
  async login(user: string, password: string): Promise<string> {
    const res = await fetch(`${this.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password }) });
    const body = (await res.json()) as { token?: string; code?: string };
    if (!res.ok || !body.token) throw new Error(`login ${user}: ${res.status} ${JSON.stringify(body)}`);
    return body.token;
  }

  /** GETs a JSON API path with a bearer token. */
  async api<T>(path: string, token: string): Promise<T> {
    const res = await fetch(`${this.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Stops every process and removes the folder. */
  async stop(): Promise<void> {
    for (const p of this.#procs) p.kill('SIGKILL');
    if (this.proc) {
      this.proc.kill('SIGTERM');
      await this.proc.exitCode(15_000).catch(() => this.proc.kill('SIGKILL'));
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Audit row of a session as the relay's API returns it (the fields the tests read). */
export interface AuditSession {
  sessionId: string;
  technicianUsername: string;
  customerName: string | null;
  customerNumber: string | null;
  caseNumber: string | null;
  technicianAddress: string | null;
  customerAddress: string | null;
  modeRequested: string;
  modeAtStart: string | null;
  lastMode: string | null;
  startedAt: number | null;
  endedAt: number | null;
  endReason: string | null;
}

/** A local TCP server that accepts connections and never answers (a black hole), counting connections. */
export class BlackHole {
  readonly server: Server;
  connections = 0;
  port = 0;
  readonly #sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((socket) => {
      this.connections++;
      this.#sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Listens on a free loopback port; resolves with the URL. */
  async start(): Promise<string> {
    await new Promise<void>((res) => this.server.listen(0, '127.0.0.1', () => res()));
    this.port = (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((res) => this.server.close(() => res()));
  }
}

/** A loopback port nothing listens on (connections are refused). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((res) => server.close(() => res()));
  return `http://127.0.0.1:${port}`;
}

/** Paths and environment for an agent with its own state folder and no policy unless written. */
export class AgentHome {
  readonly dir: string;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'tandem-home-'));
  }

  /** The environment: state under the folder, policy files only where written. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      XDG_STATE_HOME: join(this.dir, 'state'),
      TANDEM_POLICY_SYSTEM: join(this.dir, 'system-policy.json'),
      TANDEM_POLICY_USER: join(this.dir, 'user-policy.json'),
      ...extra,
    };
  }

  /** Writes the user policy file. */
  userPolicy(policy: object): void {
    writeFileSync(join(this.dir, 'user-policy.json'), JSON.stringify({ version: 1, ...policy }));
  }

  /** Writes a file in the folder and returns its path. */
  file(name: string, content: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Starts `tandem invite ... --no-browser` in `home` (files written in its folder). */
export function invite(fixture: RelayFixture, home: AgentHome, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const p = new Proc('invite', process.execPath, [AGENT_BIN, 'invite', '--no-browser', ...args], home.env(env));
  return fixture.track(p);
}

/**
 * Starts `tandem tech invitation FILE_OR_LINK` with the technician's relay:
 * the fixture's (`--relay URL`), unless `extra` names the relays itself.
 */
export function techInvitation(fixture: RelayFixture, invitation: string, user: string, pwFile: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Proc {
  const relays = extra.includes('--relay') ? [] : ['--relay', fixture.url];
  return fixture.track(new Proc(`tech-inv ${user}`, process.execPath, [AGENT_BIN, 'tech', 'invitation', invitation, '--user', user, '--password-file', pwFile, ...relays, ...extra], env));
}

/** Runs a `tandem` command to its end in `home`; resolves with its process. */
export async function agentRun(home: AgentHome, args: string[]): Promise<Proc> {
  const p = new Proc('agent', process.execPath, [AGENT_BIN, ...args], home.env());
  await p.exitCode();
  return p;
}
