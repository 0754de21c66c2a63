/**
 * Lines from stdin for the scriptable CLIs, queued until the command is
 * ready to take them, with end of input as its own signal.
 */
import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';

/** A queue of input lines; the consumer takes them when it can. */
export class LineInput {
  readonly #queue: string[] = [];
  #ended = false;
  #listener: (() => void) | undefined;
  #rl: Interface;

  constructor(input: Readable) {
    this.#rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
    this.#rl.on('line', (line) => {
      this.#queue.push(line);
      this.#listener?.();
    });
    this.#rl.on('close', () => {
      this.#ended = true;
      this.#listener?.();
    });
  }

  /** Called whenever a line arrives or the input ends; the consumer then looks at the queue. */
  onChange(listener: () => void): void {
    this.#listener = listener;
  }

  /** True once the input has ended (no more lines will come after the queued ones). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Lines waiting. */
  get size(): number {
    return this.#queue.length;
  }

  /** Takes the next line, or undefined. */
  shift(): string | undefined {
    return this.#queue.shift();
  }

  /** Stops reading. */
  close(): void {
    this.#rl.close();
  }
}
