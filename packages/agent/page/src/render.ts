/**
 * Rendering of the session's view: the status line, who asks, the local
 * policy, the session panel (mode, step-up request, chat, end) and the
 * page's warnings and action errors. The consent form and the invitations
 * list render themselves (consent-form.ts, invitations-list.ts); {@link render}
 * runs them all, in the order of the page.
 */
import { renderConsent } from './consent-form.js';
import { renderEntry, renderRemoval } from './code-entry.js';
import { errorText, fillWithCode } from './error-text.js';
import { renderInvitations } from './invitations-list.js';
import type { PageContext } from './page-context.js';
import { durationText } from './time-text.js';
import type { Params, Translator } from './i18n/i18n.js';
import type { ChatEntry } from './wire.js';

/** A catalogue key with a value from the agent, or the value itself when the page has no such key. */
function known(tr: Translator, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return tr.has(key) ? tr.t(key) : value;
}

/** The page's fixed texts (`data-i18n`), its language and the language buttons. */
export function translateStatic(ctx: PageContext, doc: Document): void {
  const { tr, ui } = ctx;
  doc.documentElement.lang = tr.language;
  for (const el of doc.querySelectorAll('[data-i18n]')) {
    const key = el instanceof HTMLElement ? el.dataset.i18n : undefined;
    if (key !== undefined) el.textContent = tr.t(key);
  }
  for (const [lng, button] of ui.languages) button.setAttribute('aria-pressed', String(tr.language === lng));
  doc.title = tr.t('title');
}

function systemText(tr: Translator, entry: Extract<ChatEntry, { from: 'system' }>): string {
  const params: Record<string, string> = { ...entry.params };
  if (params.mode !== undefined) params.mode = known(tr, 'modes', params.mode);
  if (params.pending !== undefined) params.pending = known(tr, 'modes', params.pending);
  if (params.reason !== undefined) params.reason = known(tr, 'reasons', params.reason);
  return tr.t(entry.key, params);
}

/** The chat pane, newest line in view. */
export function renderChat(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  ui.chatLog.replaceChildren(
    ...state.chat.map((entry) => {
      const li = document.createElement('li');
      li.dataset.from = entry.from;
      li.textContent = entry.from === 'system' ? systemText(tr, entry) : entry.text;
      return li;
    }),
  );
  ui.chatLog.scrollTop = ui.chatLog.scrollHeight;
}

function renderStatus(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  const status = ui.status;
  status.removeAttribute('title');
  if (state.showsEntry) {
    status.dataset.state = 'entry';
    status.textContent = tr.t('status.entry');
    return;
  }
  const self = state.self;
  if (self !== undefined && state.showsInvitations) {
    status.dataset.state = `invitation-${self.phase}`;
    status.textContent = tr.t(`invitations.status.${self.phase}`, { id: self.id, relay: self.relay ?? '' });
    return;
  }
  const view = state.view;
  status.dataset.state = view.status;
  if (view.status === 'failed' && view.error !== undefined) {
    const text = errorText(tr, view.error);
    fillWithCode(status, tr.t('status.failed', { message: text.message }), text.code, view.error.message);
    return;
  }
  const params: Params = {};
  if (view.status === 'ended' && view.endReason !== undefined) params.reason = known(tr, 'reasons', view.endReason);
  status.textContent = tr.t(`status.${view.status}`, params);
}

function renderWarnings(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  ui.warning.hidden = state.warnings.length === 0;
  ui.warning.textContent = state.warnings.map((key) => tr.t(`warnings.${key}`)).join(' ');
}

function renderWho(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  const tech = state.view.technician;
  ui.who.hidden = tech === undefined;
  if (tech === undefined) return;
  const parts = [tech.displayName || tech.username];
  if (tech.team) parts.push(tr.t('who.team', { team: tech.team }));
  parts.push(tr.t('who.user', { user: tech.username }));
  ui.technician.textContent = parts.join(' · ');
  ui.requestedMode.textContent = state.view.requestedMode !== undefined ? tr.t(`modes.${state.view.requestedMode}`) : '…';
  ui.sas.textContent = state.view.sas ?? '';
}

function renderPolicy(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  const lines = state.view.policy;
  ui.policy.hidden = lines.length === 0;
  ui.policyList.replaceChildren(
    ...lines.map((line) => {
      const li = document.createElement('li');
      li.dataset.key = line.key;
      const params = { ...line.params };
      if (line.key === 'policy.maxInvitationLifetime') params.duration = durationText(line.params, tr.language);
      // A restriction this page has no text for is shown in the agent's English.
      li.textContent = tr.has(line.key) ? tr.t(line.key, params) : line.text;
      return li;
    }),
  );
}

function renderSession(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  const view = state.view;
  const over = view.status === 'ended' || view.status === 'failed';
  ui.session.hidden = !(view.status === 'active' || (view.mode !== undefined && over));
  const active = view.status === 'active';
  ui.mode.dataset.mode = view.mode ?? '';
  ui.mode.textContent = view.mode !== undefined ? tr.t(`modes.${view.mode}`) : '';
  ui.stopControl.hidden = !active || view.mode === undefined || view.mode === 'chat';
  ui.stopControl.textContent = tr.t(view.mode === 'control' ? 'session.stopControl' : 'session.stopViewing');
  ui.modeRequest.hidden = !active || view.pendingRequest === undefined;
  if (view.pendingRequest !== undefined) ui.modeRequestText.textContent = tr.t('session.request', { mode: tr.t(`modeVerbs.${view.pendingRequest}`) });
  for (const el of [ui.chatInput, ui.chatSend, ui.endSession]) el.disabled = !active;
}

/** The last problem (an action's or an event's) under the page, or nothing. */
export function renderProblem(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  // On the code-entry screen the agent's refusal is shown beside the box (code-entry.ts).
  const problem = state.showsEntry && state.problem?.kind === 'agent' ? undefined : state.problem;
  const el = ui.actionError;
  el.hidden = problem === undefined;
  el.removeAttribute('title');
  if (problem === undefined) {
    el.textContent = '';
    return;
  }
  switch (problem.kind) {
    case 'agent': {
      const text = errorText(tr, problem.error);
      fillWithCode(el, text.message, text.code, problem.error.message);
      return;
    }
    case 'status':
      el.textContent = tr.t('problems.refused', { status: problem.status });
      return;
    case 'unreachable':
      el.textContent = tr.t('problems.noAnswer');
      el.title = problem.message;
      return;
    case 'bad-event':
      el.textContent = tr.t('problems.badEvent', { message: problem.message });
      return;
  }
}

/** Renders the whole page from the state. */
export function render(ctx: PageContext): void {
  renderEntry(ctx);
  renderInvitations(ctx);
  renderStatus(ctx);
  renderWarnings(ctx);
  renderWho(ctx);
  renderPolicy(ctx);
  renderConsent(ctx);
  renderSession(ctx);
  renderChat(ctx);
  renderProblem(ctx);
  renderRemoval(ctx);
}
