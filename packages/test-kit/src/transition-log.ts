/**
 * Which transitions of a state machine's table the tests of one file took
 * (docs/architecture.md, "State machines"): every machine a test makes gets
 * {@link TransitionLog.record} as its `onTransition`, and the file's last test
 * asserts that {@link TransitionLog.untaken} is empty, so a transition added
 * to a table without a test that takes it fails that file. It imports nothing
 * from the protocol package (a table is any record of state → next states),
 * so tests of the sources and of the built packages can all use it.
 */

/** A transition table: for each state, the states it may move to. */
export type TransitionTable = Readonly<Record<string, readonly string[]>>;

/** `from → to`, as the log names a transition. */
export function transitionName(from: string, to: string): string {
  return `${from} → ${to}`;
}

/** The transitions taken, by name. */
export class TransitionLog {
  readonly #taken = new Set<string>();

  /** Give this as a machine's `onTransition`. */
  readonly record = (from: string, to: string): void => {
    this.#taken.add(transitionName(from, to));
  };

  /** True once `from → to` was taken. */
  took(from: string, to: string): boolean {
    return this.#taken.has(transitionName(from, to));
  }

  /** The transitions of `table` (those `which` selects, all by default) no test took. */
  untaken(table: TransitionTable, which: (from: string, to: string) => boolean = () => true): string[] {
    return Object.entries(table)
      .flatMap(([from, targets]) => targets.filter((to) => which(from, to)).map((to) => transitionName(from, to)))
      .filter((name) => !this.#taken.has(name));
  }
}
