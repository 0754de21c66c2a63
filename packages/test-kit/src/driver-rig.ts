/**
 * The technician's driver in this process, for unit tests: stdin, stdout
 * and stderr as in-memory streams, signals on demand, and a technician
 * session on the in-memory relay (memory-relay.ts) whose customer side is a
 * real CustomerSession.
 */
import { PassThrough } from 'node:stream';
import { TechnicianSession, type CustomerEvent, type CustomerSession, type Mode } from '@tandem/protocol';
import { LineOutput, nodeAeadProvider, type CommandContext } from '@tandem/node-client';
import { driveTechSession, type DriverState } from '../src/driver/tech-driver.js';
import { GOOD_TOKEN, MemoryRelay } from './memory-relay.js';

/** Lines written to a stream, awaitable. */
export class LineSink {
  readonly lines: string[] = [];
  readonly stream = new PassThrough();
  #buffer = '';
  #waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];

  constructor() {
    this.stream.setEncoding('utf8');
    this.stream.on('data', (chunk: string) => {
      this.#buffer += chunk;
      for (let i = this.#buffer.indexOf('\n'); i >= 0; i = this.#buffer.indexOf('\n')) {
        this.lines.push(this.#buffer.slice(0, i));
        this.#buffer = this.#buffer.slice(i + 1);
      }
      this.#check();
    });
  }

  /** Resolves with the first line matching `re` (already written or still to come). */
  waitFor(re: RegExp, timeoutMs = 5000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line matching ${re} within ${timeoutMs} ms; got:\n${this.lines.join('\n')}`)), timeoutMs);
      this.#waiters.push({ re, resolve: (m) => { clearTimeout(timer); resolve(m); } });
      this.#check();
    });
  }

  #check(): void {
    this.#waiters = this.#waiters.filter((w) => {
      for (const line of this.lines) {
        const m = line.match(w.re);
        if (m) {
          w.resolve(m);
          return false;
        }
      }
      return true;
    });
  }
}

/** Options of a {@link DriverRig}. */
export interface RigOptions {
  mode?: Mode;
  /** Drive it as a session code's session, renewing a burnt code when true. */
  renew?: boolean;
  relay?: MemoryRelay;
  token?: string;
}

/** One driven technician session and everything around it. */
export class DriverRig {
  readonly relay: MemoryRelay;
  readonly stdin = new PassThrough();
  readonly stdout = new LineSink();
  readonly stderr = new LineSink();
  /** Every state the driver moved to, in order. */
  readonly states: DriverState[] = [];
  /** Every technician session the driver ran (more than one after a renewed code). */
  readonly sessions: TechnicianSession[] = [];
  readonly exit: Promise<number>;
  readonly #signals: (() => void)[] = [];

  constructor(options: RigOptions = {}) {
    this.relay = options.relay ?? new MemoryRelay();
    const newSession = (): TechnicianSession => {
      const session = new TechnicianSession({
        relayUrl: this.relay.url,
        token: options.token ?? GOOD_TOKEN,
        mode: options.mode ?? 'chat',
        aead: nodeAeadProvider(),
        connect: this.relay.connect,
      });
      this.sessions.push(session);
      return session;
    };
    const ctx: CommandContext = {
      stdin: this.stdin,
      out: new LineOutput(this.stdout.stream, this.stderr.stream),
      env: {},
      onSignal: (handler) => this.#signals.push(handler),
    };
    this.exit = driveTechSession(
      {
        session: newSession(),
        connectError: () => undefined,
        start: true,
        code: options.renew === true ? { renew: newSession } : {},
        onState: (state) => this.states.push(state),
      },
      ctx,
    );
  }

  /** The code shown (the `n`th, from 1), once it is. */
  async code(n = 1): Promise<string> {
    const codes = (): string[] => this.stdout.lines.filter((l) => l.startsWith('code: ')).map((l) => l.slice('code: '.length));
    await until(() => codes().length >= n);
    const code = codes()[n - 1];
    if (code === undefined) throw new Error(`no code ${n}`);
    return code;
  }

  /** A customer joins with `code`; its events are collected. */
  customer(code: string): { session: CustomerSession; events: CustomerEvent[] } {
    const session = this.relay.customer(code);
    const events: CustomerEvent[] = [];
    session.onEvent((e) => events.push(e));
    return { session, events };
  }

  /** A customer joins with the shown code and accepts in `mode`. */
  async accepted(mode: Mode = 'chat'): Promise<{ session: CustomerSession; events: CustomerEvent[] }> {
    const joined = this.customer(await this.code());
    await until(() => joined.events.some((e) => e.type === 'consent-needed'));
    joined.session.accept({ mode, customer: { name: 'Kim', customerNumber: '', caseNumber: '' } });
    await this.stdout.waitFor(/^event: accepted /);
    return joined;
  }

  /** Writes a line to stdin. */
  send(line: string): void {
    this.stdin.write(`${line}\n`);
  }

  /** Ends stdin. */
  endInput(): void {
    this.stdin.end();
  }

  /** SIGINT / SIGTERM. */
  signal(): void {
    for (const handler of this.#signals) handler();
  }
}

/** Resolves once `cond` holds (checked after each turn of the event loop), or fails after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${cond.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
