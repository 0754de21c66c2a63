/**
 * An error from the agent in the customer's words: the page's translation of
 * its code, with the code itself to read to support; the agent's English
 * message only for a code the page does not know.
 */
import type { Translator } from './i18n/i18n.js';
import type { AgentError } from './wire.js';

/** What the page shows of one error. */
export interface ErrorText {
  /** The translated message (or the agent's, for an unknown code). */
  message: string;
  /** The stable code, shown after the message in small text. */
  code: string;
}

/**
 * The text of `error` in the page's language. With `context` (a catalogue
 * group such as `entry`), that group's own wording of the code comes first
 * (`entry.errors.CODE`: a wrong code said beside the code box), then the
 * page's general one.
 */
export function errorText(tr: Pick<Translator, 't' | 'has'>, error: AgentError, context?: string): ErrorText {
  // Only a well-formed code becomes a catalogue key: anything else is shown as the agent sent it.
  if (!/^TANDEM_ERR_[A-Z_]+$/.test(error.code)) return { message: error.message, code: error.code };
  const keys = [...(context !== undefined ? [`${context}.errors.${error.code}`] : []), `errors.${error.code}`];
  const key = keys.find((k) => tr.has(k));
  return { message: key !== undefined ? tr.t(key) : error.message, code: error.code };
}

/**
 * Fills `el` with `sentence`, then `code` in a `<small>` (data-testid
 * `error-code`); `detail` (the agent's own message) becomes its tooltip.
 */
export function fillWithCode(el: HTMLElement, sentence: string, code: string, detail?: string): void {
  const small = document.createElement('small');
  small.className = 'code';
  small.dataset.testid = 'error-code';
  small.textContent = code;
  el.replaceChildren(`${sentence} `, small);
  if (detail !== undefined && !sentence.includes(detail)) el.title = detail;
  else el.removeAttribute('title');
}
