/**
 * Helpers for integration tests: a relay as a real process (the built CLI),
 * accounts, HTTP calls and WebSocket clients speaking the relay's signals.
 * Other packages' tests reuse these.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

/** The relay's CLI entry point. */
export const RELAY_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/tandem-relay.js');

/** A fresh temporary folder; removed by `cleanup()`. */
export function tempDir(prefix = 'tandem-relay-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A relay started as a child process. */
export interface RelayProcess {
  url: string;
  wsUrl: string;
  fingerprint?: string;
  setupLink?: string;
  dataDir: string;
  process: ChildProcess;
  stdout: string[];
  stderr: () => string;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs the relay CLI with arguments to completion. */
export function runCli(args: string[], options: { timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  assertBuilt();
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [RELAY_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tandem-relay ${args.join(' ')} timed out; stderr: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

function assertBuilt(): void {
  if (!existsSync(resolve(dirname(RELAY_BIN), '../dist/cli.js'))) {
    throw new Error('packages/relay is not built: run "npx tsc -b packages/relay" first');
  }
}

/**
 * Starts `tandem-relay start --data DIR --listen 127.0.0.1:0 --tls off` (plus
 * `args`) and resolves once it prints `listening:`.
 */
export function startRelayProcess(options: { dataDir?: string; tls?: boolean; args?: string[] } = {}): Promise<RelayProcess> {
  assertBuilt();
  const dataDir = options.dataDir ?? tempDir();
  const args = ['start', '--data', dataDir, '--listen', '127.0.0.1:0', '--tls', options.tls ? 'self-signed' : 'off', ...(options.args ?? [])];
  const child = spawn(process.execPath, [RELAY_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  let stderr = '';
  let partial = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`relay did not start; stderr: ${stderr}`));
    }, 20_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code} before listening; stderr: ${stderr}`));
    });
    child.stdout.on('data', (d: Buffer) => {
      partial += d.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        stdout.push(line);
        const listening = /^listening: (\S+)$/.exec(line);
        if (!listening) continue;
        clearTimeout(timer);
        const url = listening[1] as string;
        const value = (key: string): string | undefined => stdout.find((l) => l.startsWith(`${key}: `))?.slice(key.length + 2);
        const fingerprint = value('fingerprint');
        const setupLink = value('setup');
        resolveStart({
          url,
          wsUrl: url.replace(/^http/, 'ws') + '/ws',
          ...(fingerprint ? { fingerprint } : {}),
          ...(setupLink ? { setupLink } : {}),
          dataDir,
          process: child,
          stdout,
          stderr: () => stderr,
          stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    });
  });
}

/** Kills a relay (if running) and removes its data folder. */
export async function cleanup(relay: RelayProcess | undefined): Promise<void> {
  if (!relay) return;
  await relay.stop('SIGKILL');
  rmSync(relay.dataDir, { recursive: true, force: true });
}

/** An HTTP answer. */
export interface ApiAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** Calls the relay's HTTP API (self-signed certificates accepted: tests pin by fingerprint elsewhere). */
export function api(
  relay: { url: string },
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const url = new URL(path, relay.url);
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolveCall, reject) => {
    const req = send(url, { method, headers, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          // Not JSON (CSV, HTML): callers read `body`.
          json = undefined;
        }
        resolveCall({ status: res.statusCode ?? 0, headers: res.headers, body: text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A strong test password. */
export const PASSWORD = 'correct horse battery staple';

/** Completes the first-start set-up link, so `admin` can sign in with {@link PASSWORD}. */
export async function createAdmin(relay: RelayProcess, password = PASSWORD): Promise<{ username: string; password: string; token: string }> {
  if (!relay.setupLink) throw new Error('relay printed no setup link');
  const token = relay.setupLink.split('/#/setup/')[1] as string;
  const set = await api(relay, 'POST', '/api/setup/complete', { body: { token, password } });
  if (set.status !== 200) throw new Error(`setup failed: ${set.body}`);
  return { username: 'admin', password, token: await login(relay, 'admin', password) };
}

/** Creates an account with the CLI (`user add ... --password-file`). */
export async function addUserCli(
  relay: { dataDir: string },
  username: string,
  options: { role?: 'technician' | 'admin'; password?: string; displayName?: string; team?: string } = {},
): Promise<void> {
  const file = join(relay.dataDir, `.pw-${username}`);
  writeFileSync(file, `${options.password ?? PASSWORD}\n`, { mode: 0o600 });
  const args = ['user', 'add', username, '--role', options.role ?? 'technician', '--data', relay.dataDir, '--password-file', file];
  if (options.displayName) args.push('--display-name', options.displayName);
  if (options.team) args.push('--team', options.team);
  const result = await runCli(args);
  rmSync(file, { force: true });
  if (result.code !== 0) throw new Error(`user add failed: ${result.stderr}`);
}

/** Signs in and returns the bearer token. */
export async function login(relay: { url: string }, username: string, password = PASSWORD): Promise<string> {
  const answer = await api(relay, 'POST', '/api/auth/login', { body: { username, password } });
  if (answer.status !== 200) throw new Error(`login failed: ${answer.body}`);
  return answer.json.token as string;
}

/** A message received on a {@link WsClient}: parsed JSON for text, bytes for binary. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WsMessage = { text: any } | { binary: Buffer };

/** A WebSocket client with a queue of received messages and the close code. */
export class WsClient {
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #messages: WsMessage[] = [];
  readonly #waiters: ((m: WsMessage | undefined) => void)[] = [];
  #isClosed = false;

  constructor(url: string, options: { maxPayload?: number; headers?: Record<string, string> } = {}) {
    this.ws = new WebSocket(url, { rejectUnauthorized: false, maxPayload: options.maxPayload ?? 64 * 1024 * 1024, ...(options.headers ? { headers: options.headers } : {}) });
    this.opened = new Promise((r, j) => {
      this.ws.once('open', () => r());
      this.ws.once('error', j);
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((r) =>
      this.ws.on('close', (code, reason) => {
        this.#isClosed = true;
        for (const w of this.#waiters.splice(0)) w(undefined);
        r({ code, reason: reason.toString() });
      }),
    );
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data, isBinary) => {
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      const message: WsMessage = isBinary ? { binary: buf } : { text: JSON.parse(buf.toString('utf8')) };
      const waiter = this.#waiters.shift();
      if (waiter) waiter(message);
      else this.#messages.push(message);
    });
  }

  /** Sends a signal as JSON text. */
  send(signal: unknown): void {
    this.ws.send(typeof signal === 'string' ? signal : JSON.stringify(signal));
  }

  /** The next message, or undefined when the socket closed first. */
  next(timeoutMs = 10_000): Promise<WsMessage | undefined> {
    const queued = this.#messages.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#isClosed) return Promise.resolve(undefined);
    return new Promise((r, j) => {
      const timer = setTimeout(() => j(new Error('no message in time')), timeoutMs);
      this.#waiters.push((m) => {
        clearTimeout(timer);
        r(m);
      });
    });
  }

  /** The next text signal (fails on binary or close). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async signal(timeoutMs?: number): Promise<any> {
    const m = await this.next(timeoutMs);
    if (!m || !('text' in m)) throw new Error(`expected a signal, got ${m ? 'binary' : 'close'}`);
    return m.text;
  }

  /** The next binary frame. */
  async binary(timeoutMs?: number): Promise<Buffer> {
    const m = await this.next(timeoutMs);
    if (!m || !('binary' in m)) throw new Error(`expected binary, got ${m ? JSON.stringify(m.text) : 'close'}`);
    return m.binary;
  }

  /** Waits for the `error` signal and the close; returns both. */
  async failure(): Promise<{ code: string; message: string; closeCode: number }> {
    const m = await this.signal();
    if (m.t !== 'error') throw new Error(`expected error, got ${JSON.stringify(m)}`);
    const { code } = await this.closed;
    return { code: m.code, message: m.message, closeCode: code };
  }
}

/** Opens a WebSocket to the relay's rendezvous endpoint (`headers`: extra request headers, e.g. a forged X-Forwarded-For). */
export async function connect(relay: { wsUrl: string }, options: { headers?: Record<string, string> } = {}): Promise<WsClient> {
  const client = new WsClient(relay.wsUrl, options);
  await client.opened;
  return client;
}

/** A technician connection that signed in and allocated a code. */
export async function technicianWithCode(
  relay: { wsUrl: string },
  token: string,
  options: { mode?: 'chat' | 'view' | 'control'; caseNumber?: string; headers?: Record<string, string> } = {},
): Promise<{ tech: WsClient; nameplate: string; expiresAt: number }> {
  const tech = await connect(relay, options.headers ? { headers: options.headers } : {});
  tech.send({ t: 'auth', token });
  const ready = await tech.signal();
  if (ready.t !== 'ready') throw new Error(`expected ready, got ${JSON.stringify(ready)}`);
  tech.send({ t: 'allocate', mode: options.mode ?? 'chat', ...(options.caseNumber ? { caseNumber: options.caseNumber } : {}) });
  const allocated = await tech.signal();
  if (allocated.t !== 'allocated') throw new Error(`expected allocated, got ${JSON.stringify(allocated)}`);
  return { tech, nameplate: allocated.nameplate, expiresAt: allocated.expiresAt };
}

/** A customer connection claiming `nameplate`; resolves with its first answer. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function claim(relay: { wsUrl: string }, nameplate: string, options: { headers?: Record<string, string> } = {}): Promise<{ customer: WsClient; answer: any }> {
  const customer = await connect(relay, options);
  customer.send({ t: 'claim', nameplate });
  return { customer, answer: await customer.signal() };
}

/**
 * Both sides say `confirmed`, as clients do once their keys are confirmed,
 * then a binary frame goes each way behind it (and is consumed here): once
 * each side got the other's, the relay has handled both signals, so a test's
 * next step on either connection cannot overtake them.
 */
export async function confirmBoth(tech: WsClient, customer: WsClient): Promise<void> {
  for (const [from, to] of [[tech, customer], [customer, tech]] as const) {
    from.send({ t: 'confirmed' });
    from.ws.send(Buffer.from([0]));
    await to.binary();
  }
}

/** Options of the session helpers: `confirm: false` leaves out the `confirmed` signals honest clients send. */
export interface SessionHelperOptions {
  mode?: 'chat' | 'view' | 'control';
  caseNumber?: string;
  /** Both sides send `confirmed` once paired, as clients do once their keys are confirmed (default true). */
  confirm?: boolean;
}

/** A paired session: both sides have received `paired` (and, unless `confirm: false`, sent `confirmed`). */
export async function pairedSession(
  relay: { wsUrl: string },
  token: string,
  options: SessionHelperOptions = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ tech: WsClient; customer: WsClient; nameplate: string; sessionId: string; paired: any }> {
  const { tech, nameplate } = await technicianWithCode(relay, token, options);
  const { customer, answer } = await claim(relay, nameplate);
  if (answer.t !== 'paired') throw new Error(`expected paired, got ${JSON.stringify(answer)}`);
  const techPaired = await tech.signal();
  if (techPaired.t !== 'paired' || techPaired.sessionId !== answer.sessionId) throw new Error('technician was not paired');
  if (options.confirm ?? true) await confirmBoth(tech, customer);
  return { tech, customer, nameplate, sessionId: answer.sessionId as string, paired: answer };
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The audit session row for `sessionId`, as an admin sees it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function auditSession(relay: { url: string }, adminToken: string, sessionId: string): Promise<any> {
  const answer = await api(relay, 'GET', '/api/audit/sessions?limit=100000', { token: adminToken });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (answer.json.sessions as any[]).find((s) => s.sessionId === sessionId);
}

/** Audit events of one kind, as an admin sees them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function auditEvents(relay: { url: string }, adminToken: string, kind?: string): Promise<any[]> {
  const answer = await api(relay, 'GET', '/api/audit/events?limit=100000', { token: adminToken });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (answer.json.events as any[]).filter((e) => kind === undefined || e.kind === kind);
}

/** A fresh invitation ticket: 128 random bits in base64url, as an agent makes one. */
export function newTicket(): string {
  return randomBytes(16).toString('base64url');
}

/** A holder connection (the customer's agent) holding `tickets`, each answered `holding`. */
export async function holder(relay: { wsUrl: string }, ...tickets: string[]): Promise<WsClient> {
  const client = await connect(relay);
  for (const ticket of tickets) {
    client.send({ t: 'hold', ticket });
    const answer = await client.signal();
    if (answer.t !== 'holding' || answer.ticket !== ticket) throw new Error(`expected holding, got ${JSON.stringify(answer)}`);
  }
  return client;
}

/** A signed-in technician connection that answered `ticket` (no answer awaited: the holder gets `attempt`). */
export async function technicianAnswering(
  relay: { wsUrl: string },
  token: string,
  ticket: string,
  options: { mode?: 'chat' | 'view' | 'control'; caseNumber?: string; headers?: Record<string, string> } = {},
): Promise<WsClient> {
  const tech = await connect(relay, options.headers ? { headers: options.headers } : {});
  tech.send({ t: 'auth', token });
  const ready = await tech.signal();
  if (ready.t !== 'ready') throw new Error(`expected ready, got ${JSON.stringify(ready)}`);
  tech.send({ t: 'answer', ticket, mode: options.mode ?? 'chat', ...(options.caseNumber ? { caseNumber: options.caseNumber } : {}) });
  return tech;
}

/** An invitation session: the holder got `attempt`, joined on a new connection, and both sides got `paired`. */
export async function invitationSession(
  relay: { wsUrl: string },
  token: string,
  held: { client: WsClient; ticket: string },
  options: SessionHelperOptions = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ tech: WsClient; customer: WsClient; sessionId: string; attempt: any; paired: any }> {
  const tech = await technicianAnswering(relay, token, held.ticket, options);
  const attempt = await held.client.signal();
  if (attempt.t !== 'attempt') throw new Error(`expected attempt, got ${JSON.stringify(attempt)}`);
  const customer = await connect(relay);
  customer.send({ t: 'join', ticket: held.ticket, attemptId: attempt.attemptId });
  const paired = await customer.signal();
  if (paired.t !== 'paired') throw new Error(`expected paired, got ${JSON.stringify(paired)}`);
  const techPaired = await tech.signal();
  if (techPaired.t !== 'paired' || techPaired.sessionId !== paired.sessionId) throw new Error(`technician was not paired: ${JSON.stringify(techPaired)}`);
  if (options.confirm ?? true) await confirmBoth(tech, customer);
  return { tech, customer, sessionId: paired.sessionId as string, attempt, paired };
}
