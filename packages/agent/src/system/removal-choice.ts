/**
 * Whether a downloaded agent removes its own file when it ends
 * (`--remove-when-done`, on by default; the page's checkbox changes it while
 * the agent runs). One object, made by the downloaded agent's start
 * (executable/bootstrap.ts) and read once it ends (executable/self-removal.ts
 * does the removal). It applies only once `join` ran ({@link arm}): `--help`
 * or a mistyped command line leaves the file where it is.
 */
import { Emitter } from '@tandem/protocol';

/** The customer's choice, and who hears it change. */
export class RemovalChoice {
  readonly #changes = new Emitter<boolean>();
  #on: boolean;
  #armed = false;

  constructor(on: boolean) {
    this.#on = on;
  }

  /** True: the file is removed when the agent ends. */
  get on(): boolean {
    return this.#on;
  }

  /** True once a session command ran: only then does the choice apply. */
  get armed(): boolean {
    return this.#armed;
  }

  /** A session command runs: from now on the choice applies when the agent ends. */
  arm(): void {
    this.#armed = true;
  }

  /** Sets the choice (from the page) and tells the listeners. */
  set(on: boolean): void {
    if (on === this.#on) return;
    this.#on = on;
    this.#changes.emit(on);
  }

  /** Hears every change; returns what stops it. */
  onChange(listener: (on: boolean) => void): () => void {
    return this.#changes.on(listener);
  }
}
