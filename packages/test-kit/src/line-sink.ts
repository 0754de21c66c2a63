/**
 * Lines of text as a stream carries them, kept in order and awaitable: a
 * child process's stdout and stderr ({@link Proc}), or what a command writes
 * to an in-memory stream (the technician driver's rig).
 */
import { PassThrough, type Readable } from 'node:stream';

/** The lines written to {@link LineSink.stream} (or read from one source given to {@link LineSink.read}). */
export class LineSink {
  /** Every complete line so far (and, once the stream ended, an unterminated last one). */
  readonly lines: string[] = [];
  /** Write here (or pipe into it). */
  readonly stream = new PassThrough();
  #buffer = '';
  #ended = false;
  readonly #listeners = new Set<() => void>();

  constructor() {
    this.read(this.stream);
  }

  /** Takes the lines of `source` as well (a child process's stdout, read directly). */
  read(source: Readable): void {
    source.setEncoding('utf8');
    source.on('data', (chunk: string) => {
      this.#buffer += chunk;
      for (let i = this.#buffer.indexOf('\n'); i >= 0; i = this.#buffer.indexOf('\n')) {
        this.lines.push(this.#buffer.slice(0, i));
        this.#buffer = this.#buffer.slice(i + 1);
      }
      this.#notify();
    });
    source.on('end', () => {
      if (this.#buffer !== '') this.lines.push(this.#buffer);
      this.#buffer = '';
      this.#ended = true;
      this.#notify();
    });
  }

  /** True once the stream ended: no line will come any more. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Calls `listener` after each new line and at the end; returns the unsubscribe. */
  listen(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the first line matching `re` (written already or still to come). */
  waitFor(re: RegExp, timeoutMs = 5000): Promise<RegExpMatchArray> {
    return waitForLine([this], re, timeoutMs, (problem) => new Error(`${problem}; got:\n${this.lines.join('\n')}`));
  }

  /** Counts the lines matching `re`. */
  count(re: RegExp): number {
    return this.lines.filter((l) => re.test(l)).length;
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/**
 * The first line matching `re` in any of `sinks`; fails after `timeoutMs`,
 * or as soon as every sink ended without one, with the error `fail` makes of
 * what went wrong.
 */
export function waitForLine(sinks: readonly LineSink[], re: RegExp, timeoutMs: number, fail: (problem: string) => Error, from: readonly number[] = []): Promise<RegExpMatchArray> {
  const find = (): RegExpMatchArray | undefined => {
    for (const [i, sink] of sinks.entries()) {
      for (const line of sink.lines.slice(from[i] ?? 0)) {
        const m = line.match(re);
        if (m) return m;
      }
    }
    return undefined;
  };
  return new Promise((resolve, reject) => {
    const unsubscribe: (() => void)[] = [];
    const done = (): void => {
      clearTimeout(timer);
      for (const u of unsubscribe) u();
    };
    const check = (): void => {
      const m = find();
      if (m) {
        done();
        resolve(m);
      } else if (sinks.every((s) => s.ended)) {
        done();
        reject(fail(`no line matching ${re} before the output ended`));
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(fail(`no line matching ${re} within ${timeoutMs} ms`));
    }, timeoutMs);
    for (const sink of sinks) unsubscribe.push(sink.listen(check));
    check();
  });
}
