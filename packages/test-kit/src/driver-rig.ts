/**
 * The technician's driver (`tandem tech session`'s loop) in this process,
 * for unit tests: stdin, stdout and stderr as in-memory streams, signals on
 * demand, and technician sessions on the in-memory relay
 * ({@link MemoryRelay}) whose customer side is a real CustomerSession. The
 * driver itself is passed in, so that the technician package's tests drive
 * their own source rather than a built copy.
 */
import { PassThrough } from 'node:stream';
import { TechnicianSession, type CustomerEvent, type CustomerSession, type Mode, type TandemError } from '@tandem/protocol';
import { LineOutput, nodeAeadProvider, type CommandContext } from '@tandem/node-client';
import { LineSink } from './line-sink.js';
import { GOOD_TOKEN, MemoryRelay } from './memory-relay.js';
import { waitFor } from './wait.js';

/** What the rig hands the driver (the technician package's TechDriveOptions, structurally). */
export interface RigDriveOptions<S> {
  session: TechnicianSession;
  connectError: () => TandemError | undefined;
  start: boolean;
  code?: { renew?: () => TechnicianSession };
  onState?: (state: S) => void;
}

/** A driver of technician sessions (`driveTechSession`): resolves with the exit code. */
export type TechDrive<S> = (options: RigDriveOptions<S>, ctx: CommandContext) => Promise<number>;

/** Options of a {@link DriverRig}. */
export interface RigOptions<S> {
  /** The driver under test. */
  drive: TechDrive<S>;
  mode?: Mode;
  /** Drive it as a session code's session, renewing a burnt code when true. */
  renew?: boolean;
  relay?: MemoryRelay;
  token?: string;
}

/** One driven technician session and everything around it. */
export class DriverRig<S extends string = string> {
  readonly relay: MemoryRelay;
  readonly stdin = new PassThrough();
  readonly stdout = new LineSink();
  readonly stderr = new LineSink();
  /** Every state the driver moved to, in order. */
  readonly states: S[] = [];
  /** Every technician session the driver ran (more than one after a renewed code). */
  readonly sessions: TechnicianSession[] = [];
  readonly exit: Promise<number>;
  readonly #signals: (() => void)[] = [];

  constructor(options: RigOptions<S>) {
    const relay = options.relay ?? new MemoryRelay();
    this.relay = relay;
    const newSession = (): TechnicianSession => {
      const session = new TechnicianSession({
        relayUrl: relay.url,
        token: options.token ?? GOOD_TOKEN,
        mode: options.mode ?? 'chat',
        aead: nodeAeadProvider(),
        connect: relay.connect,
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
    this.exit = options.drive(
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
    await waitFor(() => codes().length >= n, 5000, `code ${n}`);
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
    await waitFor(() => joined.events.some((e) => e.type === 'consent-needed'), 5000, 'the consent question');
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
