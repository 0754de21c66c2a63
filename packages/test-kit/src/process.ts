/**
 * Child processes for tests: {@link Proc}, a running process whose output
 * lines can be awaited and whose stdin takes lines (a relay, an agent, a
 * technician client), and {@link runProcess}, a program run to its end.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { LineSink, waitForLine } from './line-sink.js';

/** How long an exit waits for the last output lines (see {@link Proc.exited}). */
const DRAIN_MS = 2000;

/** Which output {@link Proc.waitFor} reads: stdout, stderr, or either. */
export type ProcStream = 'out' | 'err' | 'any';

/** How many lines each stream had at one moment ({@link Proc.mark}): {@link Proc.waitFor} with it counts only later lines. */
export interface OutputMark {
  readonly out: number;
  readonly err: number;
}

/** A running process whose output lines can be awaited. */
export class Proc {
  readonly child: ChildProcessWithoutNullStreams;
  /** Its stdout lines so far. */
  readonly lines: string[];
  /** Its stderr lines so far. */
  readonly stderrLines: string[];
  /** Its exit code once it exited (128 when a signal ended it, 127 when it could not start). */
  readonly exited: Promise<number>;
  readonly #out = new LineSink();
  readonly #err = new LineSink();

  /** With `options.bareEnv`, `env` is the whole environment (nothing of the test's own). */
  constructor(
    readonly name: string,
    cmd: string,
    args: string[],
    env: NodeJS.ProcessEnv = {},
    options: { bareEnv?: boolean; cwd?: string } = {},
  ) {
    this.child = spawn(cmd, args, {
      env: options.bareEnv === true ? env : { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    });
    this.lines = this.#out.lines;
    this.stderrLines = this.#err.lines;
    this.#out.read(this.child.stdout);
    this.#err.read(this.child.stderr);
    // A test that writes to a process which has exited meanwhile learns it from the exit code, not from EPIPE.
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => resolve(this.#drained().then(() => code ?? (signal ? 128 : 1))));
      this.child.on('error', (err) => {
        this.stderrLines.push(`${name}: could not start ${cmd}: ${err.message}`);
        resolve(127);
      });
    });
  }

  /**
   * Waits for a stdout line matching `re` (on stderr with stream 'err',
   * either with 'any'); lines already printed count, unless `from` (a
   * {@link mark} taken earlier) says only lines printed after it do: a
   * second "event: mode view" is then not the first one found again. Fails
   * after `timeoutMs`, or once the output ended without such a line.
   */
  waitFor(re: RegExp, timeoutMs = 20_000, stream: ProcStream = 'out', from?: OutputMark): Promise<RegExpMatchArray> {
    const sinks = stream === 'out' ? [this.#out] : stream === 'err' ? [this.#err] : [this.#out, this.#err];
    const starts = from === undefined ? [] : stream === 'out' ? [from.out] : stream === 'err' ? [from.err] : [from.out, from.err];
    return waitForLine(sinks, re, timeoutMs, (problem) => new Error(`${this.name}: ${problem}.\n${this.#output()}`), starts);
  }

  /** The lines printed so far on each stream, for {@link waitFor}'s `from`. */
  mark(): OutputMark {
    return { out: this.#out.lines.length, err: this.#err.lines.length };
  }

  /** Counts stdout lines matching `re`. */
  count(re: RegExp): number {
    return this.#out.count(re);
  }

  /** Writes a line to stdin. */
  send(line: string): void {
    this.child.stdin.write(line + '\n');
  }

  /** Closes stdin. */
  endInput(): void {
    this.child.stdin.end();
  }

  /** The exit code, or fails after `timeoutMs`. */
  exitCode(timeoutMs = 20_000): Promise<number> {
    return exitWithin(this.exited, timeoutMs, () => `${this.name} did not exit within ${timeoutMs} ms.\n${this.#output()}`);
  }

  /** Stops the process if it still runs. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /**
   * Resolves once stdout and stderr were read to their end, so that an exit
   * code comes with every line printed before it; at most {@link DRAIN_MS}
   * after the exit (a process it started may hold the pipes open).
   */
  #drained(): Promise<void> {
    const sinks = [this.#out, this.#err];
    if (sinks.every((s) => s.ended)) return Promise.resolve();
    return new Promise((resolve) => {
      const unsubscribe: (() => void)[] = [];
      const finish = (): void => {
        clearTimeout(timer);
        for (const u of unsubscribe) u();
        resolve();
      };
      const timer = setTimeout(finish, DRAIN_MS);
      const check = (): void => {
        if (sinks.every((s) => s.ended)) finish();
      };
      for (const sink of sinks) unsubscribe.push(sink.listen(check));
    });
  }

  #output(): string {
    return `stdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderrLines.join('\n')}`;
  }
}

/** `exited`'s exit code, or fails with the message `late` makes once `timeoutMs` passed. */
export async function exitWithin(exited: Promise<number>, timeoutMs: number, late: () => string): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<number>((_, reject) => {
    timer = setTimeout(() => reject(new Error(late())), timeoutMs);
  });
  try {
    return await Promise.race([exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How a program run by {@link runProcess} ended. */
export interface ProcessResult {
  /** Its exit code; null when a signal ended it (also when it ran out of time). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when it was killed for running longer than allowed. */
  timedOut: boolean;
}

/** Runs `cmd` with `args` to its end (killed after `timeoutMs`); stdin is closed, stdout and stderr are collected. */
export function runProcess(cmd: string, args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(options.env ?? {}) } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (stdout += d));
    child.stderr.on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 20_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${cmd}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}
