/**
 * The agent's local page: the code box of an agent started without a code,
 * consent for `tandem join`, and for `tandem invite` first the invitations
 * of this computer, then consent on the same page. It shows who asks for
 * what and the security code, takes the customer's answer, then keeps a
 * banner of who sees what with Stop control and End session in view, asks
 * each step-up as a question, carries the chat, and says plainly how the
 * session ended. State arrives as Server-Sent Events from the agent; actions
 * are POSTed as JSON. No framework and no bundler: ES modules served by the
 * agent alone; the look is the console's (packages/console/src/design.css).
 *
 * Everything the page knows lives in one PageState made here and passed
 * to each part with the elements, the translator and the actions client.
 */
import { ActionsClient } from './actions-client.js';
import { wireCodeEntry } from './code-entry.js';
import { wireRemoval } from './removal-choice.js';
import { wireConsent } from './consent-form.js';
import { wireFiles } from './file-questions.js';
import { pageElements } from './dom.js';
import { connectEvents } from './event-stream.js';
import { browserLanguage, Translator } from './i18n/i18n.js';
import { tickInvitations } from './invitations-list.js';
import type { PageContext } from './page-context.js';
import { render, renderProblem, translateStatic } from './render.js';
import { wireSession } from './session-controls.js';
import { PageState } from './state.js';

/** How often the time left of each invitation is redrawn, ms. */
const TICK_MS = 1000;

async function start(doc: Document): Promise<void> {
  const ui = pageElements(doc);
  const tr = await Translator.start(browserLanguage(navigator.languages));
  const state = new PageState();
  const ctx: PageContext = {
    state,
    ui,
    tr,
    actions: new ActionsClient((problem) => {
      state.setProblem(problem);
      renderProblem(ctx);
    }),
  };
  for (const [lng, button] of ui.languages) {
    button.addEventListener('click', () => {
      tr.change(lng).then(
        () => {
          translateStatic(ctx, doc);
          render(ctx);
        },
        // i18next has both catalogues in memory: a failure here is a bug; the page keeps its language.
        (err: unknown) => console.error('language change failed', err),
      );
    });
  }
  wireCodeEntry(ctx);
  wireRemoval(ctx);
  wireConsent(ctx);
  wireSession(ctx, doc);
  wireFiles(ctx);
  translateStatic(ctx, doc);
  render(ctx);
  connectEvents(ctx);
  setInterval(() => tickInvitations(ctx), TICK_MS);
}

start(document).catch((err: unknown) => {
  // The page cannot run (index.html and the scripts do not match, or i18next failed): say so where the status goes.
  const status = document.querySelector('[data-testid="status"]');
  if (status !== null) status.textContent = `Tandem: ${err instanceof Error ? err.message : String(err)}`;
});
