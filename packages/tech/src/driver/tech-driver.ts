/**
 * What `tandem tech session` and `tandem tech invitation` share once the
 * technician's session exists: stdout lines for its events and stdin lines
 * turned into chat and commands (issue 2, "Scriptable command lines"), as an
 * explicit state machine (protocol's StateMachine, {@link DRIVER_TRANSITIONS}):
 *
 * - waiting: the code is shown (or the relay pairs us, or the handshake
 *   runs); → consent on `joined`; → waiting again when a burnt code is
 *   replaced by a fresh one.
 * - consent: keys confirmed, the customer is deciding; → idle on `accepted`.
 *   In waiting and consent lines are queued, except the commands the table
 *   marks as acting at once (`/extend`, `/end`).
 * - idle ⇄ running: the customer accepted; queued lines run strictly in
 *   order, each finishing its sending before the next starts (running).
 * - ending: the session is being ended on purpose (`/end`, end of stdin, a
 *   signal); later lines are dropped.
 * - done: the session ended or failed (from any state); the exit code is
 *   known and everything is closed, by `#finish` only.
 *
 * End of stdin ends the session once the queue is done and the customer has
 * accepted (a refusal or a failure ends it anyway), so
 * `printf 'hi\n' | tandem tech session ...` works. The commands themselves
 * are one table (stdin-commands.ts). A session code that is burnt before the
 * keys were confirmed (a wrong code, a failed handshake) prints
 * `event: burnt`; with a `renew` function a fresh code on the same sign-in
 * takes its place and the driver goes on waiting.
 *
 * Screen lines: `event: screen WxH` when the RFB stream's ServerInit arrives
 * and on each size change, `event: snapshot FILE WxH` when a PNG is written.
 */
import { StateMachine, toTandemError, type TandemError, type TechnicianEvent, type TechnicianSession, type Transitions } from '@tandem/protocol';
import { LineInput, isSharedSessionEvent, printSharedEvent, type CommandContext, type LineOutput } from '@tandem/node-client';
import { TechScreen } from '../screen/tech-screen.js';
import { TechFiles } from '../files/tech-files.js';
import { parseLine, type CommandTarget, type LineAction } from './stdin-commands.js';

/** States of the driver (see the file comment). */
export type DriverState = 'waiting' | 'consent' | 'idle' | 'running' | 'ending' | 'done';

/** The driver's transitions: the one place they are checked. */
export const DRIVER_TRANSITIONS: Transitions<DriverState> = {
  // waiting → waiting: a burnt code was replaced by a fresh one.
  waiting: ['waiting', 'consent', 'ending', 'done'],
  consent: ['idle', 'ending', 'done'],
  idle: ['running', 'ending', 'done'],
  running: ['idle', 'ending', 'done'],
  ending: ['done'],
  done: [],
};

/** Options of {@link driveTechSession}. */
export interface TechDriveOptions {
  session: TechnicianSession;
  /** The precise cause of a connection failure the session reports in general terms. */
  connectError: () => TandemError | undefined;
  /** Start the session (false: it was started, and `replay` holds the events it already emitted). */
  start: boolean;
  replay?: TechnicianEvent[];
  /**
   * A session code's session (not an invitation's): a code burnt before the
   * keys were confirmed prints `event: burnt`; with `renew`, the session it
   * returns (not started; a fresh code on the same sign-in) takes over.
   */
  code?: { renew?: () => TechnicianSession };
  /** Where `/get` saves files (the current folder when absent). */
  filesDir?: string;
  /** Hears every state change (tests). */
  onState?: (state: DriverState) => void;
}

/** Drives a technician session from stdin to stdout; resolves with the process exit code. */
export function driveTechSession(opts: TechDriveOptions, ctx: CommandContext): Promise<number> {
  return new TechDriver(opts, ctx).run();
}

/** One technician session (and, with a renewed code, its successors) between stdin and stdout. */
class TechDriver implements CommandTarget {
  readonly out: LineOutput;
  readonly screen: TechScreen;
  readonly files: TechFiles;
  readonly #opts: TechDriveOptions;
  readonly #ctx: CommandContext;
  readonly #input: LineInput;
  readonly #machine = new StateMachine<DriverState>({ name: 'technician driver', initial: 'waiting', transitions: DRIVER_TRANSITIONS });
  /** Lines taken from stdin and not yet carried out, in order. */
  readonly #queue: LineAction[] = [];
  #session: TechnicianSession;
  #unsubscribe: () => void = () => undefined;
  #resolve: (code: number) => void = () => undefined;

  constructor(opts: TechDriveOptions, ctx: CommandContext) {
    this.#opts = opts;
    this.#ctx = ctx;
    this.out = ctx.out;
    this.#session = opts.session;
    this.#input = new LineInput(ctx.stdin);
    this.screen = new TechScreen({ send: (bytes) => this.#session.sendRfb(bytes), out: this.out });
    this.files = new TechFiles(this.out, opts.filesDir ?? process.cwd());
  }

  /** The current session. */
  get session(): TechnicianSession {
    return this.#session;
  }

  run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.#resolve = resolve));
    this.#attach(this.#opts.session);
    for (const event of this.#opts.replay ?? []) this.#onEvent(event);
    this.#input.onChange(() => this.#pump());
    this.#ctx.onSignal(() => this.#onSignal());
    if (this.#opts.start) this.#session.start();
    return done;
  }

  /** Ends the session on purpose: the one way in to `ending`. */
  end(): void {
    if (this.#machine.is('ending', 'done')) return;
    this.#to('ending');
    this.#queue.length = 0;
    this.#session.end().catch((err: unknown) => this.out.error(toTandemError(err)));
  }

  #to(next: DriverState): void {
    this.#machine.to(next);
    this.#opts.onState?.(next);
  }

  #attach(session: TechnicianSession): void {
    this.#unsubscribe();
    this.#session = session;
    this.files.attach(session);
    this.#unsubscribe = session.onEvent((event) => this.#onEvent(event));
  }

  /** The one teardown: closes the screen stream and stdin and settles the exit code. */
  #finish(code: number): void {
    if (this.#machine.is('done')) return;
    this.#to('done');
    this.#queue.length = 0;
    this.#unsubscribe();
    this.screen.close();
    this.#input.close();
    // A transfer stopped by the end still has its partial file to remove: the process exits after that.
    const session = this.#session;
    session.files.settled().then(() => this.#resolve(code), () => this.#resolve(code));
  }

  #onEvent(event: TechnicianEvent): void {
    if (this.#machine.is('done')) return;
    printEvent(this.out, event);
    switch (event.type) {
      case 'rfb':
        this.screen.onRfb(event.data);
        return;
      case 'failed':
        this.#onFailed(event.error);
        return;
      case 'ended':
        this.#finish(0);
        return;
      case 'joined':
        if (this.#machine.is('waiting')) this.#to('consent');
        break;
      case 'accepted':
        // The stream's life follows the mode, before any line that uses it runs (docs/protocol.md, the rfb channel).
        this.screen.onMode(event.mode);
        if (this.#machine.is('consent')) this.#to('idle');
        break;
      case 'mode':
        this.screen.onMode(event.mode);
        break;
      default:
        break;
    }
    this.#pump();
  }

  #onFailed(error: TandemError): void {
    // Paired (the relay gave a session id) but the keys never confirmed: the relay consumed the code.
    const burnt = this.#opts.code !== undefined && this.#machine.is('waiting') && this.#session.sessionId !== undefined;
    if (burnt) {
      this.out.event('burnt');
      const renew = this.#opts.code?.renew;
      if (renew !== undefined) {
        this.out.say(`The code is burnt (${error.code} ${error.message}); a fresh code follows.`);
        this.#to('waiting');
        this.#attach(renew());
        this.#session.start();
        return;
      }
    }
    const precise = this.#opts.connectError();
    this.out.error(error.code === 'TANDEM_ERR_RELAY_UNREACHABLE' && precise ? precise : error);
    this.#finish(1);
  }

  #onSignal(): void {
    if (this.#machine.is('done')) return;
    // Already ending (a second way out): stop at once.
    if (this.#machine.is('ending') || this.#session.finished) this.#finish(0);
    else this.end();
  }

  /**
   * Takes stdin lines: each is parsed on arrival (a mistake is reported at
   * once), then acted on at once (before the customer accepted, for the
   * commands that may) or queued for {@link #work}.
   */
  #pump(): void {
    for (let line = this.#input.shift(); line !== undefined; line = this.#input.shift()) {
      if (this.#machine.is('ending', 'done')) continue; // the session is going: nothing more is sent
      let action: LineAction | undefined;
      try {
        action = parseLine(line);
      } catch (err) {
        this.out.error(toTandemError(err));
        continue;
      }
      if (action === undefined) continue;
      if (action.beforeActive && this.#machine.is('waiting', 'consent')) this.#runAtOnce(action);
      else if (action.atOnce === true && this.#machine.is('idle', 'running')) this.#runAtOnce(action);
      else this.#queue.push(action);
    }
    // #work reports each line's failure itself; what escapes it is a bug of the driver, shown and the session ended.
    this.#work().catch((err: unknown) => {
      this.out.error(toTandemError(err));
      this.end();
    });
  }

  #runAtOnce(action: LineAction): void {
    try {
      void Promise.resolve(action.run(this)).catch((err: unknown) => this.out.error(toTandemError(err)));
    } catch (err) {
      this.out.error(toTandemError(err));
    }
  }

  /** Carries out queued lines one after another while active; then ends on end of stdin. */
  async #work(): Promise<void> {
    while (this.#machine.is('idle')) {
      const action = this.#queue.shift();
      if (action === undefined) break;
      this.#to('running');
      try {
        await action.run(this);
      } catch (err) {
        this.out.error(toTandemError(err));
      }
      if (this.#machine.is('running')) this.#to('idle');
    }
    if (this.#machine.is('idle') && this.#queue.length === 0 && this.#input.ended && this.#input.size === 0) this.end();
  }
}

/** The stdout line(s) for one technician event: the lines both sides share, and the technician's own. */
function printEvent(out: LineOutput, event: TechnicianEvent): void {
  if (isSharedSessionEvent(event)) {
    printSharedEvent(out, event);
    return;
  }
  switch (event.type) {
    case 'code':
      out.line(`code: ${event.code}`);
      return;
    case 'extended':
      out.event('extended', new Date(event.expiresAt).toISOString());
      return;
    case 'accepted':
      out.event('accepted', event.mode);
      return;
    case 'refused':
      out.event('refused');
      return;
    case 'decision':
      out.event('decision', event.mode, event.accepted ? 'accepted' : 'refused');
      return;
    case 'rfb':
    case 'failed':
      // Screen bytes are the RFB client's; the error line on stderr says a failure, stdout stays event-only.
      return;
  }
}
