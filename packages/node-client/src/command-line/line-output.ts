/**
 * Line output for the scriptable CLIs. stdout carries only machine lines
 * (`code:`, `page:`, `event:`, `chat:`), one per line; people-facing text and
 * errors go to stderr. Text from the other side is cleaned of control
 * characters so that it can neither break the one-line-per-message format
 * nor send escape sequences to the terminal.
 */
import type { Writable } from 'node:stream';
import type { TandemError } from '@tandem/protocol';

/** Replaces control characters (C0, DEL, C1) with U+FFFD and tabs with spaces. */
export function cleanLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point: a peer must not drive the terminal
  return text.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '\uFFFD');
}

/** Where a command writes. */
export class LineOutput {
  readonly #stdout: Writable;
  readonly #stderr: Writable;

  constructor(stdout: Writable, stderr: Writable) {
    this.#stdout = stdout;
    this.#stderr = stderr;
  }

  /** One machine-readable line on stdout. */
  line(text: string): void {
    this.#stdout.write(`${cleanLine(text)}\n`);
  }

  /** `event: ...` on stdout. */
  event(...words: string[]): void {
    this.line(`event: ${words.join(' ')}`);
  }

  /** A line for the person at the terminal, on stderr. */
  say(text: string): void {
    this.#stderr.write(`${text}\n`);
  }

  /** `error: CODE message` on stderr. */
  error(err: TandemError): void {
    this.#stderr.write(`error: ${err.code} ${cleanLine(err.message)}\n`);
  }

  /** Resolves once everything written so far has been handed to the OS. */
  async flush(): Promise<void> {
    await Promise.all([this.#stdout, this.#stderr].map((s) => new Promise<void>((resolve) => {
      if (s.writableEnded || s.destroyed) {
        resolve();
        return;
      }
      s.write('', () => resolve());
    })));
  }
}
