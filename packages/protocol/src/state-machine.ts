/**
 * The one way Tandem writes a state machine (sessions, connections,
 * parsers, commands): the states are listed with the transitions each allows,
 * every move goes through {@link StateMachine.to}, and a move the table does
 * not allow is a bug in this program, never the peer's doing.
 *
 * Two kinds of wrong, two codes (one meaning per name, docs/errors.md):
 *
 * - the other side sent something that is not valid in the current state:
 *   the handler checks with {@link StateMachine.expect} first and the peer
 *   gets `TANDEM_ERR_PROTOCOL`;
 * - our own code asked for a move the table forbids: {@link StateMachine.to}
 *   throws `TANDEM_ERR_INTERNAL`.
 *
 * The machine holds only the state; what a state means (timers, sockets) stays
 * with its owner, whose teardown is one method that moves to a final state.
 */
import { TandemError } from './errors.js';

/** For each state, the states it may move to. A state with none is final. */
export type Transitions<S extends string> = Readonly<Record<S, readonly S[]>>;

/** Options of a {@link StateMachine}. */
export interface StateMachineOptions<S extends string> {
  /** What the machine is, for messages: "secure session", "rfb client". */
  name: string;
  initial: S;
  transitions: Transitions<S>;
  /**
   * Hears every move, after it is made: for diagnostics, and for the tests
   * that check every transition of a table is taken by some test.
   */
  onTransition?: ((from: S, to: S) => void) | undefined;
}

/** A state and the table of the moves it allows. */
export class StateMachine<S extends string> {
  readonly #name: string;
  readonly #transitions: Transitions<S>;
  readonly #onTransition: ((from: S, to: S) => void) | undefined;
  #state: S;

  constructor(options: StateMachineOptions<S>) {
    const states = Object.keys(options.transitions) as S[];
    for (const [from, targets] of Object.entries(options.transitions) as [S, readonly S[]][]) {
      for (const to of targets) {
        if (!states.includes(to)) throw new TandemError('TANDEM_ERR_INTERNAL', `${options.name}: ${from} → ${to} names no state`);
      }
    }
    if (!states.includes(options.initial)) throw new TandemError('TANDEM_ERR_INTERNAL', `${options.name}: no state ${options.initial}`);
    this.#name = options.name;
    this.#transitions = options.transitions;
    this.#onTransition = options.onTransition;
    this.#state = options.initial;
  }

  /** The current state. */
  get state(): S {
    return this.#state;
  }

  /** True in a state with no way out. */
  get final(): boolean {
    return this.#transitions[this.#state].length === 0;
  }

  /** True when the current state is one of `states`. */
  is(...states: readonly S[]): boolean {
    return states.includes(this.#state);
  }

  /** True when the table allows moving to `next` from here. */
  can(next: S): boolean {
    return this.#transitions[this.#state].includes(next);
  }

  /** Moves to `next`; a move the table forbids throws TANDEM_ERR_INTERNAL (a bug here, not the peer's). */
  to(next: S): void {
    if (!this.can(next)) throw new TandemError('TANDEM_ERR_INTERNAL', `${this.#name}: no transition ${this.#state} → ${next}`);
    const from = this.#state;
    this.#state = next;
    this.#onTransition?.(from, next);
  }

  /**
   * For what the other side sent: unless the current state is one of
   * `states`, throws TANDEM_ERR_PROTOCOL saying that `what` is not valid now.
   */
  expect(states: readonly S[], what: string): void {
    if (!states.includes(this.#state)) throw new TandemError('TANDEM_ERR_PROTOCOL', `${this.#name}: ${what} is not valid in state ${this.#state}`);
  }
}
