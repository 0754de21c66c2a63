/**
 * A Windows program running under Wine, as tests drive it: its stdout and
 * stderr go to files (node.exe under Wine fails with EBADF on a pipe, for
 * stdin as much as for stdout), read back as lines by {@link LineSink}s; its
 * stdin is a terminal made by `script` (util-linux), so lines sent to it
 * reach the program as a Windows console's input (each ended by Enter, `\r`).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineSink, waitForLine } from '../line-sink.js';
import { exitWithin, type ProcStream } from '../process.js';

/** How often the output files are read. */
const POLL_MS = 50;

/** Quotes `s` for /bin/sh. */
function shellQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/** New bytes of a growing file, as they come, into a line sink. */
class FileLines {
  readonly sink = new LineSink();
  readonly #file: string;
  #offset = 0;

  constructor(file: string) {
    this.#file = file;
  }

  /** Reads what was appended since the last read. */
  poll(): void {
    if (!existsSync(this.#file)) return;
    const fd = openSync(this.#file, 'r');
    try {
      const chunk = Buffer.alloc(64 * 1024);
      for (let n = readSync(fd, chunk, 0, chunk.length, this.#offset); n > 0; n = readSync(fd, chunk, 0, chunk.length, this.#offset)) {
        this.#offset += n;
        this.sink.stream.write(Buffer.from(chunk.subarray(0, n)));
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Reads the rest and ends the lines. */
  end(): void {
    this.poll();
    this.sink.stream.end();
  }
}

/** Options of {@link WineProc}. */
export interface WineProcOptions {
  /** The whole environment of `script` and Wine (the prefix's, from {@link WinePrefix.env}). */
  env: NodeJS.ProcessEnv;
  /** Where stdout.txt and stderr.txt go. */
  dir: string;
  /** The working folder (a Unix path; Wine shows it as Z:\…). */
  cwd?: string;
}

/** A program under Wine whose output lines can be awaited and whose console takes lines. */
export class WineProc {
  readonly child: ChildProcessWithoutNullStreams;
  /** Its stdout lines so far. */
  readonly lines: string[];
  /** Its stderr lines so far. */
  readonly stderrLines: string[];
  /** Its exit code once it exited (128 when a signal ended it). */
  readonly exited: Promise<number>;
  /** Where its stdout and stderr are written. */
  readonly stdoutFile: string;
  readonly stderrFile: string;
  readonly #out: FileLines;
  readonly #err: FileLines;

  /** Runs `wine64 PROGRAM ARGS` (`wine` is the Wine binary) as `name`. */
  constructor(readonly name: string, wine: string, program: string, args: readonly string[], options: WineProcOptions) {
    this.stdoutFile = join(options.dir, 'stdout.txt');
    this.stderrFile = join(options.dir, 'stderr.txt');
    writeFileSync(this.stdoutFile, '');
    writeFileSync(this.stderrFile, '');
    this.#out = new FileLines(this.stdoutFile);
    this.#err = new FileLines(this.stderrFile);
    this.lines = this.#out.sink.lines;
    this.stderrLines = this.#err.sink.lines;
    const command = [wine, program, ...args].map(shellQuote).join(' ') + ` > ${shellQuote(this.stdoutFile)} 2> ${shellQuote(this.stderrFile)}`;
    // -e: script exits with the program's code; -f: the terminal's output is flushed as it comes (it is Wine's console only).
    this.child = spawn('/usr/bin/script', ['-qfec', command, '/dev/null'], {
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    });
    // The terminal's own output (echo, Wine's console codes) is not the program's: drained, not kept.
    this.child.stdout.resume();
    this.child.stderr.resume();
    this.child.stdin.on('error', () => undefined);
    const timer = setInterval(() => {
      this.#out.poll();
      this.#err.poll();
    }, POLL_MS);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        clearInterval(timer);
        this.#out.end();
        this.#err.end();
        resolve(code ?? (signal ? 128 : 1));
      });
      this.child.on('error', (err) => {
        clearInterval(timer);
        this.stderrLines.push(`${name}: could not start script: ${err.message}`);
        this.#out.end();
        this.#err.end();
        resolve(127);
      });
    });
  }

  /** Waits for a stdout line matching `re` (stderr with 'err', either with 'any'); fails after `timeoutMs` or once the output ended without one. */
  waitFor(re: RegExp, timeoutMs = 30_000, stream: ProcStream = 'out'): Promise<RegExpMatchArray> {
    const out = this.#out.sink, err = this.#err.sink;
    const sinks = stream === 'out' ? [out] : stream === 'err' ? [err] : [out, err];
    return waitForLine(sinks, re, timeoutMs, (problem) => new Error(`${this.name}: ${problem}.\n${this.#output()}`));
  }

  /** Counts stdout lines matching `re`. */
  count(re: RegExp): number {
    return this.#out.sink.count(re);
  }

  /** Types `line` and Enter into the program's console. */
  send(line: string): void {
    this.child.stdin.write(`${line}\r`);
  }

  /** The exit code, or fails after `timeoutMs`. */
  exitCode(timeoutMs = 30_000): Promise<number> {
    return exitWithin(this.exited, timeoutMs, () => `${this.name} did not exit within ${timeoutMs} ms.\n${this.#output()}`);
  }

  /** Stops the program (its terminal's whole process group) if it still runs. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch (err) {
      // ESRCH: the group ended between the check and the signal.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  #output(): string {
    return `stdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderrLines.join('\n')}`;
  }
}
