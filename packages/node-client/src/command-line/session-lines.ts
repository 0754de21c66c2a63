/**
 * The stdout lines both sides of a session print the same way, defined once
 * (README, "Scriptable command lines"): `event: joined` and
 * `event: sas NNN NNN` when the keys are confirmed, `event: mode MODE`,
 * `chat: TEXT` and `event: ended REASON`. The technician's client
 * (@tandem/tech) and the customer's agent (@tandem/agent) each print their own
 * other lines beside these.
 */
import type { EndReason, Mode } from '@tandem/protocol';
import type { LineOutput } from './line-output.js';

/** The events both sides share (each side's event type has these members, with more fields). */
export type SharedSessionEvent =
  | { type: 'joined'; sas: string }
  | { type: 'mode'; mode: Mode }
  | { type: 'chat'; text: string }
  | { type: 'ended'; reason: EndReason };

/** The types of {@link SharedSessionEvent}. */
const SHARED_TYPES: readonly string[] = ['joined', 'mode', 'chat', 'ended'] satisfies readonly SharedSessionEvent['type'][];

/** True for the events whose lines both sides share; narrows either side's event type to them. */
export function isSharedSessionEvent<E extends { type: string }>(event: E): event is Extract<E, { type: SharedSessionEvent['type'] }> {
  return SHARED_TYPES.includes(event.type);
}

/** Prints the stdout line(s) of an event both sides share. */
export function printSharedEvent(out: LineOutput, event: SharedSessionEvent): void {
  switch (event.type) {
    case 'joined':
      out.event('joined');
      out.event('sas', event.sas);
      return;
    case 'mode':
      out.event('mode', event.mode);
      return;
    case 'chat':
      out.line(`chat: ${event.text}`);
      return;
    case 'ended':
      out.event('ended', event.reason);
      return;
  }
}
