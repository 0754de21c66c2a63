/**
 * The relay process's course, as an explicit state machine:
 * - `running`: serving, ready for new sessions;
 * - `draining`: SIGTERM came with a drain time: no new connection is taken
 *   on, `/readyz` answers not ready, live sessions go on until they end or
 *   the drain time is up;
 * - `closing`: every connection is being ended (`relay-shutdown`), the audit
 *   flushed and the database closed;
 * - `closed` (terminal).
 */
import { StateMachine, type Transitions } from '@tandem/protocol';

/** A state of the relay process. */
export type LifecycleState = 'running' | 'draining' | 'closing' | 'closed';

/** The moves of a {@link LifecycleState}. */
export const LIFECYCLE_TRANSITIONS: Transitions<LifecycleState> = {
  running: ['draining', 'closing'],
  draining: ['closing'],
  closing: ['closed'],
  closed: [],
};

/** A new relay lifecycle, `running`. */
export function relayLifecycle(): StateMachine<LifecycleState> {
  return new StateMachine<LifecycleState>({ name: 'relay lifecycle', initial: 'running', transitions: LIFECYCLE_TRANSITIONS });
}
