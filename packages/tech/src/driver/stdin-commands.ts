/**
 * The stdin commands of `tandem tech session` and `tandem tech invitation`,
 * as one table (README, "Scriptable command lines"): each command's name,
 * usage, argument parser, whether it may act before the customer accepted,
 * and what it does. The parser, the driver and `--help` all read this table;
 * nothing else knows which commands exist.
 *
 * A line starting with `/` is a command; any other non-blank line is chat.
 * A line is parsed when it arrives, so a mistake is reported at once and
 * nothing is queued for it.
 */
import { LIMITS, MODES, TandemError, type TechnicianSession } from '@tandem/protocol';
import type { LineOutput } from '@tandem/node-client';
import { keysymsForText, unescapeTypeText } from '../rfb-client/keysyms.js';
import type { TechScreen } from '../screen/tech-screen.js';
import type { TechFiles } from '../files/tech-files.js';
import { requestSysinfo } from '../sysinfo/tech-sysinfo.js';

/** Longest `/sleep`, in milliseconds. */
export const MAX_SLEEP_MS = 600_000;

/** What a line acts on: the driver's current session and screen, and its one way to end. */
export interface CommandTarget {
  readonly session: TechnicianSession;
  readonly screen: TechScreen;
  readonly out: LineOutput;
  readonly files: TechFiles;
  /** Ends the session on purpose (the driver's teardown path). */
  end(): void;
}

/** One stdin line, parsed and ready to carry out. */
export interface LineAction {
  /** The line as shown in messages: `/request view`, or `chat`. */
  readonly label: string;
  /** True when it acts at once before the customer accepted; the others wait for that. */
  readonly beforeActive: boolean;
  /** True when it acts at once once the customer accepted too, not after the lines before it (`/cancel`). */
  readonly atOnce?: boolean;
  /** Carries it out; resolves once its sending finished. */
  run(target: CommandTarget): void | Promise<void>;
}

/** One command, before its argument type is erased by {@link defineStdinCommand}. */
export interface StdinCommandSpec<A> {
  name: string;
  /** The arguments as usage shows them (`view|control`, `FILE.png`), empty for none. */
  args: string;
  /** What it does, for `--help`. */
  summary: string;
  /** May act before the customer accepted (at once); otherwise it waits until then. */
  beforeActive: boolean;
  /** Acts at once while active too, without waiting for the lines before it (a `/send` under way). */
  atOnce?: boolean;
  /** Parses the text after the name; throws {@link usageError} on a mistake. */
  parse(arg: string, usage: string): A;
  run(args: A, target: CommandTarget): void | Promise<void>;
}

/** A command in the table. */
export interface StdinCommand {
  readonly name: string;
  /** `/name ARGS`. */
  readonly usage: string;
  readonly summary: string;
  readonly beforeActive: boolean;
  /** Parses its argument into something to carry out; throws TANDEM_ERR_BAD_INPUT with the usage. */
  prepare(arg: string): LineAction;
}

/** Puts a command into the table. */
export function defineStdinCommand<A>(spec: StdinCommandSpec<A>): StdinCommand {
  const usage = spec.args === '' ? `/${spec.name}` : `/${spec.name} ${spec.args}`;
  return {
    name: spec.name,
    usage,
    summary: spec.summary,
    beforeActive: spec.beforeActive,
    prepare(arg) {
      const args = spec.parse(arg, usage);
      return { label: usage, beforeActive: spec.beforeActive, ...(spec.atOnce === true ? { atOnce: true } : {}), run: (target) => spec.run(args, target) };
    },
  };
}

/** TANDEM_ERR_BAD_INPUT `usage: ...`, with a hint when there is one. */
export function usageError(usage: string, hint?: string): TandemError {
  return new TandemError('TANDEM_ERR_BAD_INPUT', `usage: ${usage}${hint === undefined ? '' : ` (${hint})`}`);
}

/** For commands without an argument: anything after the name is a mistake. */
function noArgument(arg: string, usage: string): null {
  if (arg.trim() !== '') throw usageError(usage, 'it takes no argument');
  return null;
}

/** For `/send` and `/get`: a path, as typed (spaces kept, the line's end trimmed). */
function fileArgument(arg: string, usage: string): string {
  const path = arg.replace(/\s+$/, '');
  if (path.trim() === '') throw usageError(usage);
  return path;
}

/** The table: what a script can send on stdin besides chat. */
export const STDIN_COMMANDS: readonly StdinCommand[] = [
  defineStdinCommand({
    name: 'request',
    args: MODES.join('|'),
    summary: 'ask the customer for a mode ("event: decision ..." answers)',
    beforeActive: false,
    parse(arg, usage) {
      const mode = MODES.find((m) => m === arg.trim());
      if (mode === undefined) throw usageError(usage);
      return mode;
    },
    run: (mode, t) => t.session.requestMode(mode),
  }),
  defineStdinCommand({
    name: 'extend',
    args: '',
    summary: 'ten more minutes for the waiting code ("event: extended ...")',
    beforeActive: true,
    parse: noArgument,
    run: (_none, t) => t.session.extend(),
  }),
  defineStdinCommand({
    name: 'end',
    args: '',
    summary: 'end the session',
    beforeActive: true,
    parse: noArgument,
    run: (_none, t) => t.end(),
  }),
  defineStdinCommand({
    name: 'snapshot',
    args: 'FILE.png',
    summary: 'write the screen as you see it, lossless ("event: snapshot ...")',
    beforeActive: false,
    parse(arg, usage) {
      const file = arg.trim();
      if (file === '') throw usageError(usage);
      return file;
    },
    async run(file, t) {
      const { width, height } = await t.screen.snapshot(file);
      t.out.event('snapshot', file, `${width}x${height}`);
    },
  }),
  defineStdinCommand({
    name: 'type',
    args: 'TEXT',
    summary: 'type TEXT as key presses ("\\n" for Return)',
    beforeActive: false,
    parse(arg, usage) {
      if (arg === '') throw usageError(usage, '\\n for Return');
      const text = unescapeTypeText(arg);
      keysymsForText(text); // an untypable character is refused before anything is sent
      return text;
    },
    run: (text, t) => t.screen.type(text),
  }),
  defineStdinCommand({
    name: 'click',
    args: 'X Y',
    summary: 'click button 1 at X Y (pixels from the top left)',
    beforeActive: false,
    parse(arg, usage) {
      const m = /^\s*(\d{1,5})\s+(\d{1,5})\s*$/.exec(arg);
      const x = Number(m?.[1]), y = Number(m?.[2]);
      if (!m || x > 0xffff || y > 0xffff) throw usageError(usage, 'pixels from the top left');
      return { x, y };
    },
    run: ({ x, y }, t) => t.screen.click(x, y),
  }),
  defineStdinCommand({
    name: 'send',
    args: 'FILE',
    summary: 'send FILE; the customer is asked ("event: file-sent NAME BYTES SHA256" or "event: file-refused NAME")',
    beforeActive: false,
    parse: fileArgument,
    run: (file, t) => t.files.send(file),
  }),
  defineStdinCommand({
    name: 'get',
    args: 'PATH',
    summary: 'ask for PATH on the customer\'s computer ("event: file-received LOCALPATH BYTES SHA256" or "event: file-refused PATH")',
    beforeActive: false,
    parse: fileArgument,
    run: (path, t) => t.files.get(path),
  }),
  defineStdinCommand({
    name: 'cancel',
    args: '',
    summary: 'stop the file transfers under way, at once ("event: file-cancelled NAME")',
    beforeActive: false,
    atOnce: true,
    parse: noArgument,
    run: (_none, t) => t.files.cancel(),
  }),
  defineStdinCommand({
    name: 'sysinfo',
    args: '',
    summary: 'ask for the customer\'s system information ("sysinfo: KEY: VALUE" lines, then "event: sysinfo-done", or "event: sysinfo-refused")',
    beforeActive: false,
    parse: noArgument,
    run: (_none, t) => requestSysinfo(t.session, t.out),
  }),
  defineStdinCommand({
    name: 'sleep',
    args: 'MS',
    summary: `wait MS milliseconds (at most ${MAX_SLEEP_MS})`,
    beforeActive: false,
    parse(arg, usage) {
      const text = arg.trim();
      const ms = Number(text);
      if (!/^\d{1,6}$/.test(text) || ms > MAX_SLEEP_MS) throw usageError(usage, `0 to ${MAX_SLEEP_MS}`);
      return ms;
    },
    run: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  }),
];

/**
 * Parses one stdin line against `commands`: undefined for a blank line, a
 * chat message, or a command. Throws TANDEM_ERR_BAD_INPUT for an unknown
 * command, a command's bad argument, or an over-long chat line; nothing is
 * sent for such a line.
 */
export function parseLine(line: string, commands: readonly StdinCommand[] = STDIN_COMMANDS): LineAction | undefined {
  if (line.trim() === '') return undefined;
  if (!line.startsWith('/')) {
    if (line.length > LIMITS.maxChatChars) throw new TandemError('TANDEM_ERR_BAD_INPUT', `chat line longer than ${LIMITS.maxChatChars} characters: not sent`);
    return { label: 'chat', beforeActive: false, run: (t) => t.session.sendChat(line) };
  }
  // `/name` or `/name ARGUMENT`: the argument is everything after the first space, as typed.
  const m = /^\/(\S+)(?: (.*))?$/.exec(line);
  const name = m?.[1] ?? line.slice(1).trim();
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `unknown command /${name} (commands: ${commands.map((c) => `/${c.name}`).join(', ')})`);
  }
  return command.prepare(m?.[2] ?? '');
}

/** The commands for `--help`, one per line, from the table. */
export function stdinCommandsHelp(commands: readonly StdinCommand[] = STDIN_COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.usage.length)) + 3;
  return commands.map((c) => `  ${`${c.usage}${c.beforeActive ? ' *' : ''}`.padEnd(width)}${c.summary}`).join('\n');
}
