/**
 * The consent form: shown while the technician waits for the customer's
 * answer, pre-filled once from the agent's defaults, offering only the modes
 * up to what was asked and what the local policy allows, each with what it
 * means in plain words; Accept and Refuse.
 */
import type { AcceptBody } from './actions-client.js';
import type { PageContext } from './page-context.js';
import { technicianName } from './people.js';
import { MODES, type Mode } from './wire.js';

/** The modes the form may offer: up to `most`, lowest first. */
export function grantableModes(most: Mode): Mode[] {
  return MODES.slice(0, MODES.indexOf(most) + 1);
}

/** The radio button of `mode` in the form, if it offers it. */
function radioOf(ctx: PageContext, mode: string): HTMLInputElement | undefined {
  const input = ctx.ui.grantMode.querySelector(`input[name="mode"][value="${CSS.escape(mode)}"]`);
  return input instanceof HTMLInputElement ? input : undefined;
}

/** The mode chosen in the form, or '' when none is. */
function chosenMode(ctx: PageContext): string {
  const checked = ctx.ui.grantMode.querySelector('input[name="mode"]:checked');
  return checked instanceof HTMLInputElement ? checked.value : '';
}

/** One choice: the mode's name (the glossary's), what it means, and "asked for" on the one the technician asked for. */
function choiceElement(ctx: PageContext, mode: Mode, requested: Mode, name: string): HTMLLabelElement {
  const { tr } = ctx;
  const label = document.createElement('label');
  label.className = 'choice';
  label.dataset.mode = mode;
  label.dataset.testid = `grant-${mode}`;
  const input = document.createElement('input');
  input.type = 'radio';
  input.name = 'mode';
  input.value = mode;
  const body = document.createElement('span');
  body.className = 'choice-body';
  const title = document.createElement('span');
  title.className = 'choice-title';
  title.textContent = tr.t(`modes.${mode}`);
  if (mode === requested) {
    const asked = document.createElement('span');
    asked.className = 'choice-asked';
    asked.textContent = tr.t('consent.asked');
    title.append(' ', asked);
  }
  const help = document.createElement('span');
  help.className = 'choice-help';
  help.textContent = tr.t(`modeHelp.${mode}`, { name });
  body.append(title, help);
  label.append(input, body);
  return label;
}

/** Shows or hides the form and fills it in. */
export function renderConsent(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  const view = state.view;
  const requested = view.requestedMode;
  const show = state.screen === 'session' && view.status === 'consent' && requested !== undefined;
  ui.consent.hidden = !show;
  if (!show) return;
  if (!state.formFilled) {
    state.markFormFilled();
    ui.customerName.value = view.defaults.name;
    ui.customerNumber.value = view.defaults.customerNumber;
    ui.caseNumber.value = view.defaults.caseNumber;
    ui.eventLog.checked = view.defaults.eventLog;
  }
  const chosen = chosenMode(ctx) || requested;
  // The local policy may cap what can be granted (docs/policy.md): never offer more.
  const most = view.maxMode ?? requested;
  const allowed = grantableModes(most);
  const name = technicianName(tr, view.technician);
  // Built again only when what it shows changes, so that a render never takes the focus from a choice.
  const built = [tr.language, requested, name, ...allowed].join('|');
  if (ui.grantMode.dataset.built !== built) {
    ui.grantMode.dataset.built = built;
    const legend = ui.grantMode.querySelector('legend');
    ui.grantMode.replaceChildren(...(legend !== null ? [legend] : []), ...allowed.map((mode) => choiceElement(ctx, mode, requested, name)));
  }
  const pick = radioOf(ctx, allowed.some((m) => m === chosen) ? chosen : most);
  if (pick !== undefined) pick.checked = true;
}

/** The form's answer as the agent takes it; undefined when the mode shown is not one the form offers. */
export function consentAnswer(ctx: PageContext): AcceptBody | undefined {
  const { ui, state } = ctx;
  const most = state.view.maxMode ?? state.view.requestedMode;
  const picked = chosenMode(ctx);
  const mode = most === undefined ? undefined : grantableModes(most).find((m) => m === picked);
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
