/**
 * The code-entry screen (issue 9, contract 3): a downloaded agent started
 * without a code shows it before any session exists. The agent sends the
 * event `entry` `{ helpDesk?, relay, busy, error?, report? }` (the stamped help
 * desk's name, the relay it will contact, whether a code is being tried, the
 * last attempt's failure, and the diagnostic report's text when the relay
 * could not be reached, offered to save or copy) and takes `POST api/code` `{ code }` with the code
 * as typed (digits, spaces or a dash; the agent checks it with protocol's
 * `parseCode`). Once a session exists the page gets `state` events and shows
 * the session; a code that fails before the handshake brings `entry` back
 * with its error, and the customer types the code again.
 *
 * Everything of this screen is here: what the event holds, how it is read,
 * drawn and wired. The rest of the page only routes the event here and
 * calls {@link renderCodeEntry} with everything else.
 */
import { errorText, fillWithCode } from './error-text.js';
import type { PageContext } from './page-context.js';
import { renderProxyCredentials, wireProxyCredentials } from './proxy-credentials.js';
import { decodeAgentError, fields, flag, maybe, text, type AgentError } from './wire.js';

/** The `entry` event: what the code-entry screen shows. */
export interface EntryView {
  /** The help desk's name stamped into the agent, when it has one. */
  helpDesk?: string;
  /** The origin of the relay the agent will contact. */
  relay: string;
  /** True while a code typed is being tried: the box is disabled. */
  busy: boolean;
  /** Why the last attempt failed. */
  error?: AgentError;
  /** The diagnostic report's text, when the relay could not be reached. */
  report?: string;
  /** The proxy (`host:port`) that asked for a user name and password. */
  proxyAuth?: { proxy: string };
}

/** What the box says under it: the agent's answer to the code, or the page's own check before sending it. */
export type EntryProblem = { kind: 'agent'; error: AgentError } | { kind: 'local'; key: 'entry.empty' | 'entry.notDigits' } | { kind: 'unreachable' } | { kind: 'status'; status: number };

/** Reads an `entry` event. */
export function decodeEntry(value: unknown): EntryView {
  const what = 'entry';
  const f = fields(value, what);
  const entry: EntryView = { relay: text(f.relay, `${what}.relay`), busy: flag(f.busy, `${what}.busy`) };
  maybe(entry, 'helpDesk', f, text, what);
  maybe(entry, 'error', f, decodeAgentError, what);
  maybe(entry, 'report', f, text, what);
  maybe(entry, 'proxyAuth', f, (v, w) => ({ proxy: text(fields(v, w).proxy, `${w}.proxy`) }), what);
  return entry;
}

/** What a customer may type: digits, with spaces or dashes anywhere (as they read it off a phone call or a note). */
const TYPED_CODE = /^[0-9\s-]*$/;

/** Dashes other than '-' that a keyboard or an input method gives for it (a Japanese IME turns '-' into 'ー'). */
const OTHER_DASHES = /[\u2010-\u2015\u2212\u30fc\uff70]/g;

/**
 * What was typed, as the agent reads codes: full-width digits and spaces
 * (what a Japanese input method gives) as plain ones (NFKC), and any dash
 * as '-'. Nothing else changes: the agent still checks the code itself.
 */
export function normalizeTyped(typed: string): string {
  return typed.normalize('NFKC').replace(OTHER_DASHES, '-').trim();
}

/** The page's own check of what was typed, before the agent's: undefined when it may be sent. */
export function checkTyped(typed: string): EntryProblem | undefined {
  if (typed.replace(/[\s-]/g, '') === '') return { kind: 'local', key: 'entry.empty' };
  if (!TYPED_CODE.test(typed)) return { kind: 'local', key: 'entry.notDigits' };
  return undefined;
}

/**
 * A new `entry` event: kept in the state; when it brings an attempt's
 * failure the box is emptied for the code to be typed again (a wrong or
 * expired code is never good a second time), and the page's own problem
 * gives way to the agent's word.
 */
export function applyEntry(ctx: PageContext, entry: EntryView): void {
  const { state, ui } = ctx;
  const before = state.entry;
  state.setEntry(entry);
  if (entry.error !== undefined || entry.busy) state.setEntryProblem(undefined);
  const failedNow = entry.error !== undefined && !entry.busy && (before === undefined || before.busy || before.error?.code !== entry.error.code);
  if (failedNow) ui.codeInput.value = '';
}

function problemText(ctx: PageContext, el: HTMLElement, problem: EntryProblem): void {
  const { tr } = ctx;
  el.removeAttribute('title');
  switch (problem.kind) {
    case 'agent': {
      const words = errorText(tr, problem.error, 'entry');
      fillWithCode(el, words.message, words.code, problem.error.message);
      return;
    }
    case 'local':
      el.textContent = tr.t(problem.key);
      return;
    case 'unreachable':
      el.textContent = tr.t('problems.noAnswer');
      return;
    case 'status':
      el.textContent = tr.t('problems.refused', { status: problem.status });
      return;
  }
}

/** Shows the screen while the agent shows it, and fills it in. */
export function renderCodeEntry(ctx: PageContext): void {
  const { tr, ui, state } = ctx;
  const entry = state.entry;
  const show = state.screen === 'entry' && entry !== undefined;
  const wasHidden = ui.codeEntry.hidden;
  ui.codeEntry.hidden = !show;
  if (!show) return;
  ui.entryHelpDeskRow.hidden = entry.helpDesk === undefined || entry.helpDesk === '';
  ui.entryHelpDesk.textContent = entry.helpDesk ?? '';
  ui.entryRelay.textContent = entry.relay;
  ui.codeInput.disabled = entry.busy;
  ui.codeSubmit.disabled = entry.busy;
  ui.codeSubmit.textContent = tr.t(entry.busy ? 'entry.busy' : 'entry.submit');
  ui.codeForm.setAttribute('aria-busy', String(entry.busy));
  const problem: EntryProblem | undefined = state.entryProblem ?? (entry.error !== undefined && !entry.busy ? { kind: 'agent', error: entry.error } : undefined);
  ui.codeError.hidden = problem === undefined;
  if (problem === undefined) ui.codeError.replaceChildren();
  else problemText(ctx, ui.codeError, problem);
  ui.codeInput.setAttribute('aria-invalid', String(problem !== undefined));
  renderProxyCredentials(ctx, entry.busy ? undefined : entry.proxyAuth?.proxy);
  const report = entry.busy ? undefined : entry.report;
  ui.entryReport.hidden = report === undefined;
  if (ui.entryReportText.textContent !== (report ?? '')) {
    ui.entryReportText.textContent = report ?? '';
    ui.reportCopied.hidden = true;
  }
  // The box is where the customer's eyes go: on the screen's first showing and once it is usable again.
  if ((wasHidden || problem !== undefined) && !entry.busy && ui.codeInput.ownerDocument.activeElement !== ui.codeInput) ui.codeInput.focus();
}

/** "Save report": the report as a text file the browser downloads. */
function saveReport(doc: Document, report: string): void {
  const url = URL.createObjectURL(new Blob([report], { type: 'text/plain;charset=utf-8' }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = 'tandem-connection-report.txt';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "Copy": the report to the clipboard; where the browser refuses, the text is selected for Ctrl+C. */
function copyReport(ctx: PageContext, report: string): void {
  const { ui } = ctx;
  const selectIt = (): void => {
    ui.entryReportText.ownerDocument.getSelection()?.selectAllChildren(ui.entryReportText);
    ui.entryReportText.focus();
  };
  const clipboard = ui.entryReportText.ownerDocument.defaultView?.navigator.clipboard;
  if (clipboard === undefined) {
    selectIt();
    return;
  }
  clipboard.writeText(report).then(
    () => {
      ui.reportCopied.hidden = false;
    },
    (err: unknown) => {
      console.error('copying the report failed', err);
      selectIt();
    },
  );
}

/** The box's form: the page's check, then `POST api/code`; a refusal is said under the box, the box kept to correct. */
export function wireCodeEntry(ctx: PageContext): void {
  const { ui, state, actions } = ctx;
  wireProxyCredentials(ctx);
  ui.reportSave.addEventListener('click', () => {
    if (state.entry?.report !== undefined) saveReport(ui.reportSave.ownerDocument, state.entry.report);
  });
  ui.reportCopy.addEventListener('click', () => {
    if (state.entry?.report !== undefined) copyReport(ctx, state.entry.report);
  });
  ui.codeForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (state.entry?.busy === true) return;
    const typed = normalizeTyped(ui.codeInput.value);
    const local = checkTyped(typed);
    state.setEntryProblem(local);
    renderCodeEntry(ctx);
    if (local !== undefined) return;
    ui.codeSubmit.disabled = true;
    actions.attempt('code', { code: typed }).then(
      (problem) => {
        state.setEntryProblem(problem === undefined ? undefined : problem.kind === 'unreachable' ? { kind: 'unreachable' } : problem);
        renderCodeEntry(ctx);
        if (problem !== undefined) ui.codeInput.select();
      },
      // attempt() reports every failure as its value; a rejection here is a bug in it.
      (err: unknown) => console.error('code attempt failed', err),
    );
  });
}
