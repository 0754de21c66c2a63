/**
 * A downloaded agent's offer to remove its own file when the session ends
 * (`--remove-when-done`, on by default for downloaded agents; the agent's
 * removal-page.ts sends `remove-when-done` events and takes the
 * `remove-when-done` action). Shown from the code box until the session is
 * over, when the agent has already acted on it.
 */
import type { PageContext } from './page-context.js';

/** Shows the checkbox while the agent offers the choice and the session is not over. */
export function renderRemoval(ctx: PageContext): void {
  const { ui, state } = ctx;
  const removal = state.removal;
  ui.removal.hidden = removal === undefined || state.finished;
  ui.removeWhenDone.checked = removal === true;
}

/** The checkbox tells the agent at once; the agent's answering event is what the box shows. */
export function wireRemoval(ctx: PageContext): void {
  const { ui, actions } = ctx;
  ui.removeWhenDone.addEventListener('change', () => actions.send('remove-when-done', { on: ui.removeWhenDone.checked }));
}
