/**
 * The session code asked on the terminal ("Code: "), for an agent started
 * without one and without a browser (or whose browser did not open): reads
 * stdin lines until one is a well-formed code (protocol's parseCode), and
 * again after a wrong one when the agent asks again. People read stderr;
 * stdin carries the code, then the answers of terminal-prompts.ts.
 */
import { parseCode, toTandemError } from '@tandem/protocol';
import type { LineInput, LineOutput } from '@tandem/node-client';

/** What the prompt does with what it reads. */
export interface CodePromptHandlers {
  /** A well-formed code was typed. */
  onCode(code: string): void;
  /** The input ended before a code was typed. */
  onEnd(): void;
}

/** The "Code: " prompt. */
export class CodePrompt {
  readonly #input: LineInput;
  readonly #out: LineOutput;
  readonly #handlers: CodePromptHandlers;

  constructor(input: LineInput, out: LineOutput, handlers: CodePromptHandlers) {
    this.#input = input;
    this.#out = out;
    this.#handlers = handlers;
  }

  /** Asks for a code (lines typed ahead count) and reads until one is well-formed or the input ends. */
  ask(): void {
    this.#out.say('Code: ');
    this.#input.onChange(() => this.#read());
    this.#read();
  }

  #read(): void {
    for (let line = this.#input.shift(); line !== undefined; line = this.#input.shift()) {
      if (line.trim() === '') continue;
      try {
        parseCode(line.trim());
      } catch (err) {
        this.#out.error(toTandemError(err, 'TANDEM_ERR_BAD_INPUT'));
        this.#out.say('Code: ');
        continue;
      }
      // The code is the prompt's last line: what follows is for the consent question.
      this.#input.onChange(() => undefined);
      this.#handlers.onCode(line.trim());
      return;
    }
    if (this.#input.ended) {
      this.#input.onChange(() => undefined);
      this.#handlers.onEnd();
    }
  }
}
