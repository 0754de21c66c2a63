/**
 * The session's controls: step down (the banner's button and the
 * Ctrl+Alt+Shift+S hotkey of the page), Allow/Don't allow of a step-up
 * request, chat, and End session, which asks to be confirmed first.
 */
import type { PageContext } from './page-context.js';
import { renderEndDialog } from './render.js';
import { MODES } from './wire.js';

/** Steps down one mode (control → view → chat); nothing when already in chat or not active. */
export function stepDownOne(ctx: PageContext): void {
  const { state, actions } = ctx;
  const mode = state.view.mode;
  if (state.view.status !== 'active' || mode === undefined || mode === 'chat') return;
  const lower = MODES[MODES.indexOf(mode) - 1];
  if (lower !== undefined) actions.send('step-down', { mode: lower });
}

/** Answers the step-up request the page shows, naming its mode. */
function decide(ctx: PageContext, accepted: boolean): void {
  const mode = ctx.state.view.pendingRequest;
  if (mode !== undefined) ctx.actions.send('decide', { accepted, mode });
}

/** Asks to confirm the end (true), or closes the question (false). */
function askToEnd(ctx: PageContext, asking: boolean): void {
  ctx.state.setConfirmingEnd(asking);
  renderEndDialog(ctx);
}

/** Wires the session's controls and the hotkey. */
export function wireSession(ctx: PageContext, doc: Document): void {
  const { ui, actions } = ctx;
  ui.stopControl.addEventListener('click', () => stepDownOne(ctx));
  ui.allowMode.addEventListener('click', () => decide(ctx, true));
  ui.denyMode.addEventListener('click', () => decide(ctx, false));
  ui.endSession.addEventListener('click', () => askToEnd(ctx, true));
  ui.endCancel.addEventListener('click', () => askToEnd(ctx, false));
  ui.endConfirm.addEventListener('click', () => {
    askToEnd(ctx, false);
    actions.send('end', {});
  });
  // Esc, or the browser closing the dialog any other way: the customer did not confirm.
  ui.endDialog.addEventListener('close', () => {
    if (ctx.state.confirmingEnd) askToEnd(ctx, false);
  });
  ui.chatForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = ui.chatInput.value;
    if (text.trim() === '') return;
    ui.chatInput.value = '';
    actions.send('chat', { text });
  });
  doc.addEventListener('keydown', (e) => {
    if (e.ctrlKey && e.altKey && (e.key === 's' || e.key === 'S')) {
      e.preventDefault();
      stepDownOne(ctx);
    }
  });
}
