/**
 * The code-entry screen of an agent started without a code (the agent's
 * code-entry-page.ts): the help desk's name and the relay it will contact,
 * a box for the code and Connect (`POST api/code`), disabled while the agent
 * tries a code, and the last attempt's error beside the box, so the customer
 * types the code again without a restart. Also the downloaded agent's
 * "remove Tandem when the session ends" checkbox (`POST api/remove-when-done`),
 * shown on every screen once the agent offers it.
 */
import { errorText, fillWithCode } from './error-text.js';
import type { PageContext } from './page-context.js';

/** Shows or hides the screen and fills it in. */
export function renderEntry(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  const entry = state.entry;
  const show = state.showsEntry && entry !== undefined;
  ui.entry.hidden = !show;
  if (!show) return;
  ui.entryHelpDesk.hidden = entry.helpDesk === undefined;
  ui.entryHelpDesk.textContent = entry.helpDesk !== undefined ? tr.t('entry.helpDesk', { name: entry.helpDesk }) : '';
  ui.entryRelay.textContent = tr.t('entry.relay', { relay: entry.relay });
  ui.codeInput.disabled = entry.busy;
  ui.codeSubmit.disabled = entry.busy;
  ui.codeSubmit.textContent = tr.t(entry.busy ? 'entry.busy' : 'entry.submit');
  // A code the agent refused at once (malformed: TANDEM_ERR_BAD_INPUT) is shown here too, beside the box.
  const refused = state.problem?.kind === 'agent' ? state.problem.error : undefined;
  const error = refused ?? entry.error;
  ui.codeError.hidden = error === undefined || entry.busy;
  ui.codeError.removeAttribute('title');
  if (error !== undefined && !entry.busy) {
    const text = errorText(tr, error);
    fillWithCode(ui.codeError, text.message, text.code, error.message);
  } else {
    ui.codeError.textContent = '';
  }
}

/** Shows the removal checkbox once the agent offers it. */
export function renderRemoval(ctx: PageContext): void {
  const { ui, state } = ctx;
  ui.removal.hidden = state.removal === undefined;
  ui.removeWhenDone.checked = state.removal === true;
}

/** Connect (the form's submit) and the removal checkbox. */
export function wireEntry(ctx: PageContext): void {
  const { ui, actions } = ctx;
  ui.entryForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const code = ui.codeInput.value.trim();
    if (code === '') return;
    actions.send('code', { code });
  });
  ui.removeWhenDone.addEventListener('change', () => actions.send('remove-when-done', { on: ui.removeWhenDone.checked }));
}
