/**
 * What `tandem tech session` and `tandem tech invitation` share once the
 * technician's session exists: stdout lines for its events and stdin lines
 * turned into chat and commands (issue 2, "Scriptable command lines").
 *
 * stdin: a line starting with `/` is a command, any other line is chat.
 * Lines before the session is active are queued and carried out once it is,
 * except `/extend` and `/end`, which act at once. Once active, lines run
 * strictly in order, each finishing its sending before the next starts:
 * `/request view|control`, `/snapshot FILE.png`, `/type TEXT` (`\n` is
 * Return), `/click X Y`, `/sleep MS`, `/extend`, `/end`. End of input ends
 * the session once the queue is done and the customer has answered (or the
 * session is over), so `printf 'hi\n' | tandem tech session ...` works.
 * Screen lines: `event: screen WxH` when the RFB stream's ServerInit arrives
 * and on each size change, `event: snapshot FILE WxH` when a PNG is written.
 */
import { LIMITS, MODES, TandemError, toTandemError, type Mode, type TechnicianEvent, type TechnicianSession } from '@tandem/protocol';
import { LineInput, type CommandContext, type LineOutput } from '@tandem/node-client';
import { unescapeTypeText } from '../rfb-client/keysyms.js';
import { TechScreen } from '../screen/tech-screen.js';

/** Options of {@link driveTechSession}. */
export interface TechDriveOptions {
  session: TechnicianSession;
  /** The precise cause of a connection failure the session reports in general terms. */
  connectError: () => TandemError | undefined;
  /** Start the session (false: it was started, and `replay` holds the events it already emitted). */
  start: boolean;
  replay?: TechnicianEvent[];
}

/** Drives a technician session from stdin to stdout; resolves with the process exit code. */
export function driveTechSession(opts: TechDriveOptions, ctx: CommandContext): Promise<number> {
  const { session } = opts;
  const out = ctx.out;
  const input = new LineInput(ctx.stdin);
  const screen = new TechScreen({ send: (bytes) => session.sendRfb(bytes), out });
  /** Lines taken from stdin and not yet carried out, in order. */
  const queued: string[] = [];

  return new Promise<number>((resolve) => {
    let done = false;
    let working = false;
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      screen.close();
      input.close();
      resolve(code);
    };

    const endSession = (): void => {
      queued.length = 0;
      session.end().catch((err: unknown) => out.error(toTandemError(err)));
    };

    /**
     * Takes stdin lines into the queue. Before the session is active only
     * `/end` and `/extend` act at once (the rest waits for the customer);
     * once active every line is carried out in order by {@link work}.
     */
    const pump = (): void => {
      for (let line = input.shift(); line !== undefined; line = input.shift()) {
        if (session.state !== 'active' && !session.finished) {
          const command = commandOf(line);
          if (command?.name === 'end') {
            endSession();
            return;
          }
          if (command?.name === 'extend') {
            runLine(line).catch((err: unknown) => out.error(toTandemError(err)));
            continue;
          }
        }
        if (line.trim() !== '') queued.push(line);
      }
      void work();
    };

    /** Carries out queued lines one after another; a line's sending finishes before the next starts. */
    const work = async (): Promise<void> => {
      if (working) return;
      working = true;
      try {
        while (session.state === 'active' && queued.length > 0) {
          try {
            await runLine(queued.shift() as string);
          } catch (err) {
            out.error(toTandemError(err));
          }
        }
      } finally {
        working = false;
      }
      const answered = session.state === 'active' || session.finished;
      if (input.ended && queued.length === 0 && answered && !session.finished) endSession();
    };

    const runLine = async (line: string): Promise<void> => {
      const command = commandOf(line);
      if (!command) {
        if (line.length > LIMITS.maxChatChars) throw new TandemError('TANDEM_ERR_BAD_INPUT', `chat line longer than ${LIMITS.maxChatChars} characters: not sent`);
        session.sendChat(line);
        return;
      }
      const { name, arg } = command;
      switch (name) {
        case 'end':
          endSession();
          return;
        case 'extend':
          session.extend();
          return;
        case 'request': {
          const mode = arg.trim();
          if (!(MODES as readonly string[]).includes(mode)) throw new TandemError('TANDEM_ERR_BAD_INPUT', `usage: /request ${MODES.join('|')}`);
          session.requestMode(mode as Mode);
          return;
        }
        case 'snapshot': {
          const file = arg.trim();
          if (file === '') throw new TandemError('TANDEM_ERR_BAD_INPUT', 'usage: /snapshot FILE.png');
          const { width, height } = await screen.snapshot(file);
          out.event('snapshot', file, `${width}x${height}`);
          return;
        }
        case 'type':
          if (arg === '') throw new TandemError('TANDEM_ERR_BAD_INPUT', 'usage: /type TEXT (\\n for Return)');
          await screen.type(unescapeTypeText(arg));
          return;
        case 'click': {
          const m = /^\s*(\d{1,5})\s+(\d{1,5})\s*$/.exec(arg);
          const x = Number(m?.[1]), y = Number(m?.[2]);
          if (!m || x > 0xffff || y > 0xffff) throw new TandemError('TANDEM_ERR_BAD_INPUT', 'usage: /click X Y (pixels from the top left)');
          await screen.click(x, y);
          return;
        }
        case 'sleep': {
          const ms = Number(arg.trim());
          if (!/^\d{1,6}$/.test(arg.trim()) || ms > MAX_SLEEP_MS) throw new TandemError('TANDEM_ERR_BAD_INPUT', `usage: /sleep MS (0 to ${MAX_SLEEP_MS})`);
          await new Promise((r) => setTimeout(r, ms));
          return;
        }
        default:
          throw new TandemError('TANDEM_ERR_BAD_INPUT', `unknown command /${name}`);
      }
    };

    const onEvent = (event: TechnicianEvent): void => {
      printEvent(out, event);
      if (event.type === 'rfb') {
        screen.onRfb(event.data);
        return;
      }
      // The stream's life follows the mode, before any line that uses it runs (docs/protocol.md, the rfb channel).
      if (event.type === 'accepted' || event.type === 'mode') screen.onMode(event.mode);
      if (event.type === 'failed') {
        const precise = opts.connectError();
        out.error(event.error.code === 'TANDEM_ERR_RELAY_UNREACHABLE' && precise ? precise : event.error);
        finish(1);
        return;
      }
      if (event.type === 'ended') {
        finish(0);
        return;
      }
      pump();
    };
    session.onEvent(onEvent);
    for (const event of opts.replay ?? []) onEvent(event);
    input.onChange(pump);
    ctx.onSignal(() => {
      if (session.finished) finish(0);
      else endSession();
    });
    if (opts.start) session.start();
  });
}

/** Longest `/sleep`, in milliseconds. */
const MAX_SLEEP_MS = 600_000;

/** The name and argument of a `/command` line, or null for a chat line. */
function commandOf(line: string): { name: string; arg: string } | null {
  const m = /^\/(\S+)(?: (.*))?$/.exec(line);
  if (!line.startsWith('/')) return null;
  if (!m) return { name: line.slice(1).trim(), arg: '' };
  return { name: m[1] as string, arg: m[2] ?? '' };
}

/** The stdout line(s) for one technician event. */
function printEvent(out: LineOutput, event: TechnicianEvent): void {
  switch (event.type) {
    case 'code':
      out.line(`code: ${event.code}`);
      return;
    case 'extended':
      out.event('extended', new Date(event.expiresAt).toISOString());
      return;
    case 'joined':
      out.event('joined');
      out.event('sas', event.sas);
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
    case 'mode':
      out.event('mode', event.mode);
      return;
    case 'chat':
      out.line(`chat: ${event.text}`);
      return;
    case 'ended':
      out.event('ended', event.reason);
      return;
    case 'failed':
      // The error line on stderr says it; stdout stays event-only.
      return;
  }
}
