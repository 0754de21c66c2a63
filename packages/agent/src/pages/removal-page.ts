/**
 * The page's side of a downloaded agent's "remove Tandem from this computer
 * when done" choice (system/removal-choice.ts): the `remove-when-done` event
 * (`{ on: boolean }`) that tells the page to show the checkbox and its
 * state, and the action `POST api/remove-when-done` with `{ "on": boolean }`.
 * The repository's `tandem` has no file of its own to remove: it sends
 * neither, and the page shows no checkbox.
 */
import { assertBoolean, assertObject } from '@tandem/protocol';
import type { RemovalChoice } from '../system/removal-choice.js';
import type { ServerEvent } from './consent-server.js';

/** The event's and the action's name. */
export const REMOVAL_NAME = 'remove-when-done';

/** The event that shows the choice. */
export function removalEvent(choice: RemovalChoice): ServerEvent {
  return { event: REMOVAL_NAME, data: { on: choice.on } };
}

/** Runs `POST api/remove-when-done`; false when `name` is another action. Throws TANDEM_ERR_BAD_INPUT for a bad body. */
export function removalAction(choice: RemovalChoice, name: string, body: unknown): boolean {
  if (name !== REMOVAL_NAME) return false;
  assertObject(body, name);
  assertBoolean(body.on, `${name}.on`);
  choice.set(body.on);
  return true;
}
