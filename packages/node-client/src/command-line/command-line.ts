/**
 * A command line as a table of commands (as noVNC registers its decoders):
 * each {@link Command} names itself with one or more words (`join`,
 * `tech session`), parses its own arguments and runs. The customer's agent
 * and the `tandem` command of the repository build their command lines from
 * the tables they carry; nothing else knows which commands exist.
 *
 * Exit codes, the same for every command: 0 for a normal end, 1 for a failure
 * (`error: TANDEM_ERR_… message` on stderr), 2 for bad arguments.
 */
import type { Readable, Writable } from 'node:stream';
import { TandemError, toTandemError } from '@tandem/protocol';
import type { CommandContext } from './command-context.js';
import { LineOutput } from './line-output.js';
import { bad } from './option-scan.js';

/** Exit code for bad arguments. */
export const EXIT_USAGE = 2;
/** Exit code for a failed session. */
export const EXIT_FAILURE = 1;

/** What a parser returns for `--help`: the text to print. */
export interface HelpArgs {
  command: 'help';
  text: string;
}

/** One command, before its argument type is erased by {@link defineCommand}. */
export interface CommandSpec<A> {
  /** The words that name it, e.g. `['join']` or `['tech', 'session']`. */
  words: readonly string[];
  /** How it is called, after the program name, for the list of commands. */
  synopsis: string;
  /** What it does, in a few words, for the list of commands. */
  summary: string;
  /** Parses the arguments after its words; only validates (no I/O). Throws TANDEM_ERR_BAD_INPUT. */
  parse(argv: readonly string[]): A | HelpArgs;
  /** Runs it; resolves with the exit code. */
  run(args: A, ctx: CommandContext): Promise<number>;
}

/** What a command turns its arguments into: help to print, or something to run. */
export type Prepared = { help: string } | { run(ctx: CommandContext): Promise<number> };

/** A command in a table. */
export interface Command {
  readonly words: readonly string[];
  readonly synopsis: string;
  readonly summary: string;
  /** Parses the arguments after its words: the command's arguments, or {@link HelpArgs}. */
  parse(argv: readonly string[]): unknown;
  prepare(argv: readonly string[]): Prepared;
}

/** Puts a command into a table. */
export function defineCommand<A>(spec: CommandSpec<A>): Command {
  return {
    words: spec.words,
    synopsis: spec.synopsis,
    summary: spec.summary,
    parse: (argv) => spec.parse(argv),
    prepare(argv) {
      const args = spec.parse(argv);
      if (isHelp(args)) return { help: args.text };
      return { run: (ctx) => spec.run(args, ctx) };
    },
  };
}

function isHelp(value: unknown): value is HelpArgs {
  return typeof value === 'object' && value !== null && (value as { command?: unknown }).command === 'help';
}

/** A first word that only groups other commands (`tech`), with its own help. */
export interface CommandGroup {
  word: string;
  help: string;
}

/** Options of a {@link CommandLine}. */
export interface CommandLineOptions {
  /** The program's name in help and messages. */
  program: string;
  commands: readonly Command[];
  groups?: readonly CommandGroup[];
  /** The closing lines of the main help. */
  footer?: string;
}

/** The process as {@link CommandLine.main} uses it. */
export interface ProcessIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Subscribes to SIGINT and SIGTERM. */
  onSignal(handler: () => void): void;
  /** Stops the process at once (a second signal while ending). */
  exit(code: number): never;
}

/** Width of the command column in the main help (a longer synopsis gets one space). */
const SYNOPSIS_COLUMN = 31;

/** A table of commands and how to run one from `argv`. */
export class CommandLine {
  readonly #options: CommandLineOptions;

  constructor(options: CommandLineOptions) {
    this.#options = options;
  }

  /** The main help: every command with what it does. */
  get help(): string {
    const { program, commands, footer } = this.#options;
    const rows = commands.map((c) => `  ${c.synopsis.padEnd(SYNOPSIS_COLUMN)}${c.synopsis.length >= SYNOPSIS_COLUMN ? ' ' : ''}${c.summary}`);
    return `Usage: ${program} COMMAND ...\n\nCommands:\n${rows.join('\n')}\n\n${footer ?? `Run "${program} COMMAND --help" for the options of each command.\n`}`;
  }

  /**
   * Parses `argv` as the command it names would, without running anything:
   * that command's arguments, or {@link HelpArgs}. Throws
   * TANDEM_ERR_BAD_INPUT with a one-line message on any mistake.
   */
  parse(argv: readonly string[]): unknown {
    const found = this.#find(argv);
    return 'help' in found ? { command: 'help', text: found.help } : found.command.parse(found.rest);
  }

  /** Finds the command `argv` names and lets it parse the rest: help to print, or something to run. */
  prepare(argv: readonly string[]): Prepared {
    const found = this.#find(argv);
    return 'help' in found ? found : found.command.prepare(found.rest);
  }

  #find(argv: readonly string[]): { help: string } | { command: Command; rest: readonly string[] } {
    const { program, commands, groups = [] } = this.#options;
    const [first] = argv;
    if (first === undefined) throw bad(`a command is missing: ${commands.slice(0, 2).map((c) => `${program} ${c.synopsis}`).join(', or ')}`);
    if (first === '--help' || first === '-h' || first === 'help') return { help: this.help };
    // The command with the most matching words: `tech session` before a lone `tech`.
    const command = commands.filter((c) => c.words.every((w, i) => argv[i] === w)).sort((a, b) => b.words.length - a.words.length)[0];
    if (command !== undefined) return { command, rest: argv.slice(command.words.length) };
    const group = groups.find((g) => g.word === first);
    if (group === undefined) throw bad(`unknown command ${first}`);
    const sub = argv[1];
    const members = commands.filter((c) => c.words[0] === group.word);
    if (sub === '--help' || sub === '-h') return { help: group.help };
    if (sub === undefined) throw bad(`${group.word}: a command is missing: ${program} ${members[0]?.synopsis ?? group.word}`);
    throw bad(`${group.word}: unknown command ${sub} (did you mean ${members.map((c) => `"${program} ${c.words.join(' ')}"`).join(' or ')}?)`);
  }

  /** Runs the command `argv` names in this process; resolves with the exit code. */
  async main(argv: readonly string[], io: ProcessIo): Promise<number> {
    const out = new LineOutput(io.stdout, io.stderr);
    let prepared: Prepared;
    try {
      prepared = this.prepare(argv);
    } catch (err) {
      const error = toTandemError(err, 'TANDEM_ERR_BAD_INPUT');
      io.stderr.write(`error: ${error.code} ${error.message} (see ${this.#options.program} --help)\n`);
      return EXIT_USAGE;
    }
    if ('help' in prepared) {
      io.stdout.write(prepared.help);
      return 0;
    }
    const handlers: (() => void)[] = [];
    let signals = 0;
    io.onSignal(() => {
      signals++;
      // A second signal while ending means: stop now.
      if (signals > 1) io.exit(130);
      for (const handler of handlers) handler();
    });
    const ctx: CommandContext = { stdin: io.stdin, out, env: io.env, onSignal: (handler) => handlers.push(handler) };
    let code: number;
    try {
      code = await prepared.run(ctx);
    } catch (err) {
      out.error(err instanceof TandemError ? err : toTandemError(err));
      code = EXIT_FAILURE;
    }
    await out.flush();
    return code;
  }
}

/** The running process as {@link ProcessIo}. */
export function processIo(): ProcessIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onSignal: (handler) => {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
    },
    exit: (code) => process.exit(code),
  };
}
