/**
 * Rendering of the page from its state: the status box (and the ended
 * state), who asks and the security code, the local policy, the running
 * session (the banner with Stop control and End session, the step-up
 * question, the file questions and transfers (file-questions.ts), the chat), the end confirmation and the page's warnings and
 * action errors. The code entry, the consent form and the invitations list
 * render themselves (code-entry.ts, consent-form.ts, invitations-list.ts);
 * {@link render} runs them all, in the order of the page.
 */
import { renderCodeEntry } from './code-entry.js';
import { renderConsent } from './consent-form.js';
import { errorText, fillWithCode } from './error-text.js';
import { renderFiles } from './file-questions.js';
import { renderInvitations } from './invitations-list.js';
import type { PageContext } from './page-context.js';
import { technicianDetails, technicianName, technicianOwnName } from './people.js';
import { renderRemoval } from './removal-choice.js';
import type { ChatLine } from './state.js';
import { durationText } from './time-text.js';
import type { Params, Translator } from './i18n/i18n.js';
import type { ChatEntry, InvitationPhase, Mode } from './wire.js';

/** A catalogue key with a value from the agent, or the value itself when the page has no such key. */
function known(tr: Translator, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return tr.has(key) ? tr.t(key) : value;
}

/** The page's fixed texts (`data-i18n`, `data-i18n-label` for an aria-label), its language and the language buttons. */
export function translateStatic(ctx: PageContext, doc: Document): void {
  const { tr, ui } = ctx;
  doc.documentElement.lang = tr.language;
  for (const el of doc.querySelectorAll('[data-i18n]')) {
    const key = el instanceof HTMLElement ? el.dataset.i18n : undefined;
    if (key !== undefined) el.textContent = tr.t(key);
  }
  for (const el of doc.querySelectorAll('[data-i18n-label]')) {
    const key = el instanceof HTMLElement ? el.dataset.i18nLabel : undefined;
    if (key !== undefined) el.setAttribute('aria-label', tr.t(key));
  }
  for (const [lng, button] of ui.languages) {
    button.setAttribute('aria-pressed', String(tr.language === lng));
    button.classList.toggle('is-current', tr.language === lng);
  }
  ui.codeInput.placeholder = tr.t('entry.placeholder');
  doc.title = tr.t('title');
}

/** Fills a mode badge: the glossary's name of `mode`, coloured as the console colours it. */
function modeBadge(tr: Translator, el: HTMLElement, mode: Mode | undefined): void {
  el.className = mode === undefined ? 'mode-badge' : `mode-badge mode-${mode}`;
  el.textContent = mode === undefined ? '' : tr.t(`modes.${mode}`);
}

function systemText(ctx: PageContext, entry: Extract<ChatEntry, { from: 'system' }>): string {
  const { tr, state } = ctx;
  const params: Record<string, string> = { ...entry.params, name: technicianName(tr, state.view.technician) };
  if (params.mode !== undefined) params.mode = known(tr, 'modes', params.mode);
  if (params.pending !== undefined) params.pending = known(tr, 'modes', params.pending);
  if (params.reason !== undefined) params.reason = known(tr, 'reasons', params.reason);
  return tr.t(entry.key, params);
}

function chatLine(ctx: PageContext, line: ChatLine, time: Intl.DateTimeFormat): HTMLLIElement {
  const { tr, state } = ctx;
  const { entry, at } = line;
  const li = document.createElement('li');
  li.className = `chat-entry from-${entry.from}`;
  li.dataset.from = entry.from;
  const words = document.createElement('span');
  words.className = 'chat-text';
  if (entry.from === 'system') {
    // A notice's text is the line's whole text; its time is shown by the style sheet from data-time.
    words.textContent = systemText(ctx, entry);
    if (at !== undefined) li.dataset.time = time.format(at);
    li.append(words);
    return li;
  }
  const meta = document.createElement('span');
  meta.className = 'chat-meta';
  const who = document.createElement('span');
  who.className = 'chat-who';
  const tech = state.view.technician;
  who.textContent = entry.from === 'me' ? tr.t('session.me') : tech !== undefined ? technicianOwnName(tech) : tr.t('who.someone');
  meta.append(who);
  if (at !== undefined) {
    const stamp = document.createElement('time');
    stamp.dateTime = new Date(at).toISOString();
    stamp.textContent = time.format(at);
    meta.append(stamp);
  }
  words.textContent = entry.text;
  li.append(meta, words);
  return li;
}

/** The chat, oldest first, the newest line in view; the customer's own lines marked as theirs. */
export function renderChat(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  const time = new Intl.DateTimeFormat(tr.language, { hour: 'numeric', minute: '2-digit' });
  const lines = state.chat.map((line) => chatLine(ctx, line, time));
  if (lines.length === 0 && state.view.status === 'active') {
    const empty = document.createElement('li');
    empty.className = 'chat-empty muted';
    empty.textContent = tr.t('session.chatEmpty', { name: technicianName(tr, state.view.technician) });
    lines.push(empty);
  }
  ui.chatLog.replaceChildren(...lines);
  ui.chatLog.scrollTop = ui.chatLog.scrollHeight;
}

/** How the status box looks: waiting, fine, over, or a problem (the console's status tones). */
type Tone = 'wait' | 'ok' | 'done' | 'bad';

const PHASE_TONES: Record<InvitationPhase, Tone> = {
  connecting: 'wait',
  holding: 'ok',
  retrying: 'bad',
  session: 'ok',
  lapsed: 'done',
  expired: 'done',
  used: 'done',
  stopped: 'done',
};

function setTone(ctx: PageContext, tone: Tone): void {
  const box = ctx.ui.statusBox;
  box.dataset.tone = tone;
  box.className = `status status-box status-${tone}`;
}

function renderStatus(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  const status = ui.status;
  status.removeAttribute('title');
  ui.statusTitle.hidden = true;
  ui.statusHint.hidden = true;
  const screen = state.screen;
  ui.statusBox.hidden = screen === 'entry';
  const self = state.self;
  if (self !== undefined && screen === 'invitations') {
    status.dataset.state = `invitation-${self.phase}`;
    status.textContent = tr.t(`invitations.status.${self.phase}`, { id: self.id, relay: self.relay ?? '' });
    setTone(ctx, PHASE_TONES[self.phase]);
    return;
  }
  const view = state.view;
  status.dataset.state = view.status;
  const name = technicianName(tr, view.technician);
  // While the customer is asked the consent card says it, and while the session runs the banner does.
  ui.statusBox.hidden = screen === 'entry' || view.status === 'active' || (view.status === 'consent' && view.requestedMode !== undefined);
  if (view.status === 'failed') {
    setTone(ctx, 'bad');
    ui.statusTitle.hidden = false;
    // A session that never ran could not start; one that ran was stopped by the problem.
    ui.statusTitle.textContent = tr.t(view.mode === undefined ? 'ended.notStartedTitle' : 'ended.failedTitle');
    ui.statusHint.hidden = false;
    ui.statusHint.textContent = tr.t('ended.closeHint');
    if (view.error !== undefined) {
      const words = errorText(tr, view.error);
      fillWithCode(status, tr.t('status.failed', { message: words.message }), words.code, view.error.message);
    } else status.textContent = tr.t('status.failed', { message: tr.t('errors.TANDEM_ERR_INTERNAL') });
    return;
  }
  if (view.status === 'ended') {
    setTone(ctx, 'done');
    ui.statusTitle.hidden = false;
    ui.statusTitle.textContent = tr.t('ended.title');
    ui.statusHint.hidden = false;
    ui.statusHint.textContent = tr.t('ended.closeHint');
    const reason = view.endReason;
    const key = reason !== undefined ? `endedBecause.${reason}` : undefined;
    status.textContent = key !== undefined && tr.has(key) ? tr.t(key, { name }) : tr.t('status.ended');
    return;
  }
  setTone(ctx, 'wait');
  const params: Params = { name };
  // Before the agent's first event the page knows nothing yet, not even whether a relay is involved.
  status.textContent = state.heard ? tr.t(`status.${view.status}`, params) : tr.t('status.starting');
}

function renderWarnings(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  ui.warning.hidden = state.warnings.length === 0;
  ui.warning.textContent = state.warnings.map((key) => tr.t(`warnings.${key}`)).join(' ');
}

/** Who asks, what for, and the security code: from the handshake until the customer answers. */
function renderWho(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  const view = state.view;
  const tech = view.technician;
  const asking = state.screen === 'session' && (view.status === 'handshaking' || view.status === 'consent');
  ui.consentView.hidden = !asking;
  ui.who.hidden = !asking || tech === undefined;
  ui.sasCard.hidden = !asking || view.sas === undefined;
  if (!asking) return;
  const name = technicianName(tr, tech);
  if (tech !== undefined) {
    ui.technician.textContent = technicianOwnName(tech);
    ui.technicianTeam.textContent = technicianDetails(tr, tech);
  }
  const requested = view.requestedMode;
  modeBadge(tr, ui.requestedMode, requested);
  ui.requestedMode.hidden = requested === undefined;
  ui.requestedHelp.textContent = requested !== undefined ? tr.t(`modeHelp.${requested}`, { name }) : tr.t('who.waitingRequest');
  ui.sas.textContent = view.sas ?? '';
  ui.sasHint.textContent = tr.t('who.sasHint', { name });
}

function renderPolicy(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  const lines = state.view.policy;
  ui.policy.hidden = lines.length === 0 || ui.consentView.hidden;
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

/** The banner: who sees what right now, Stop control (or Stop showing my screen) and End session, while the session runs. */
function renderBanner(ctx: PageContext, active: boolean, name: string): void {
  const { tr, ui, state } = ctx;
  const mode = state.view.mode;
  ui.banner.hidden = !active || mode === undefined;
  ui.banner.dataset.mode = mode ?? '';
  for (const el of [ui.endSession, ui.stopControl]) el.disabled = !active;
  if (mode === undefined) return;
  ui.bannerText.textContent = tr.t(`session.banner.${mode}`, { name });
  ui.bannerHint.textContent = tr.t(`session.bannerHint.${mode}`, { name });
  ui.stopControl.hidden = mode === 'chat';
  ui.stopControl.textContent = tr.t(mode === 'control' ? 'session.stopControl' : 'session.stopViewing');
}

function renderSession(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  const view = state.view;
  const onSession = state.screen === 'session';
  const over = view.status === 'ended' || view.status === 'failed';
  const active = onSession && view.status === 'active';
  const name = technicianName(tr, view.technician);
  renderBanner(ctx, active, name);
  // Once over, the chat stays as a record, with nothing left to click; a session without a line of chat leaves no empty record.
  ui.session.hidden = !onSession || !(active || (view.mode !== undefined && over && state.chat.length > 0));
  ui.session.classList.toggle('is-over', over);
  ui.sessionInfo.hidden = !active;
  ui.chatForm.hidden = !active;
  for (const el of [ui.chatInput, ui.chatSend]) el.disabled = !active;
  ui.chatTitle.textContent = over ? tr.t('ended.transcript') : tr.t('session.chat', { name });
  ui.chatInputLabel.textContent = tr.t('session.message', { name });
  ui.chatInput.placeholder = tr.t('session.placeholder');
  ui.mode.dataset.mode = view.mode ?? '';
  modeBadge(tr, ui.mode, view.mode);
  ui.modeHelp.textContent = view.mode !== undefined ? tr.t(`modeHelp.${view.mode}`, { name }) : '';
  ui.hotkeyHint.hidden = view.mode !== 'control';
  const tech = view.technician;
  ui.sessionTechnician.textContent = tech !== undefined ? technicianOwnName(tech) : '';
  ui.sessionTeam.textContent = tech !== undefined ? technicianDetails(tr, tech) : '';
  ui.sessionSas.textContent = view.sas ?? '';
  const pending = view.pendingRequest;
  ui.modeRequest.hidden = !active || pending === undefined;
  if (pending !== undefined) {
    ui.modeRequestText.textContent = tr.t('session.request', { name, verb: tr.t(`modeVerbs.${pending}`) });
    modeBadge(tr, ui.modeRequestMode, pending);
    ui.modeRequestHelp.textContent = tr.t(`modeHelp.${pending}`, { name });
  }
}

/** The question before ending: open while the customer is asked, closed otherwise (also when the session ends by itself). */
export function renderEndDialog(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  const dialog = ui.endDialog;
  ui.endDialogBody.textContent = tr.t('confirmEnd.body', { name: technicianName(tr, state.view.technician) });
  if (state.confirmingEnd && !dialog.open) dialog.showModal();
  if (!state.confirmingEnd && dialog.open) dialog.close();
}

/** The last problem (an action's or an event's) under the status, or nothing. */
export function renderProblem(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  const problem = state.problem;
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
  renderCodeEntry(ctx);
  renderInvitations(ctx);
  renderStatus(ctx);
  renderWarnings(ctx);
  renderWho(ctx);
  renderPolicy(ctx);
  renderConsent(ctx);
  renderSession(ctx);
  renderFiles(ctx);
  renderChat(ctx);
  renderEndDialog(ctx);
  renderProblem(ctx);
  renderRemoval(ctx);
}
