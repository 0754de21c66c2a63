/**
 * The consent form: shown while the technician waits for the customer's
 * answer, pre-filled once from the agent's defaults, offering only the modes
 * up to what was asked and what the local policy allows; Accept and Refuse.
 */
import type { AcceptBody } from './actions-client.js';
import type { PageContext } from './page-context.js';
import { MODES, type Mode } from './wire.js';

/** The modes the form may offer: up to `most`, lowest first. */
export function grantableModes(most: Mode): Mode[] {
  return MODES.slice(0, MODES.indexOf(most) + 1);
}

/** Shows or hides the form and fills it in. */
export function renderConsent(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  const view = state.view;
  const requested = view.requestedMode;
  const show = view.status === 'consent' && requested !== undefined;
  ui.consent.hidden = !show;
  if (!show) return;
  if (!state.formFilled) {
    state.markFormFilled();
    ui.customerName.value = view.defaults.name;
    ui.customerNumber.value = view.defaults.customerNumber;
    ui.caseNumber.value = view.defaults.caseNumber;
    ui.eventLog.checked = view.defaults.eventLog;
  }
  const chosen = ui.grantMode.value || requested;
  // The local policy may cap what can be granted (docs/policy.md): never offer more.
  const most = view.maxMode ?? requested;
  const allowed = grantableModes(most);
  ui.grantMode.replaceChildren(
    ...allowed.map((mode) => {
      const option = document.createElement('option');
      option.value = mode;
      option.textContent = tr.t(`modes.${mode}`);
      return option;
    }),
  );
  ui.grantMode.value = allowed.some((m) => m === chosen) ? chosen : most;
}

/** The form's answer as the agent takes it; undefined when the mode shown is not one the form offers. */
export function consentAnswer(ctx: PageContext): AcceptBody | undefined {
  const { ui, state } = ctx;
  const most = state.view.maxMode ?? state.view.requestedMode;
  const mode = most === undefined ? undefined : grantableModes(most).find((m) => m === ui.grantMode.value);
  if (mode === undefined) return undefined;
  return { name: ui.customerName.value, customerNumber: ui.customerNumber.value, caseNumber: ui.caseNumber.value, mode, eventLog: ui.eventLog.checked };
}

/** Accept (the form's submit) and Refuse. */
export function wireConsent(ctx: PageContext): void {
  const { ui, actions } = ctx;
  ui.consentForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const answer = consentAnswer(ctx);
    if (answer !== undefined) actions.send('accept', answer);
  });
  ui.refuse.addEventListener('click', () => actions.send('refuse', {}));
}
