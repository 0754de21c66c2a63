/**
 * Entry point of the support page, which the relay serves at `/`. First,
 * an old console link (`ORIGIN/#/setup/…`, `ORIGIN/#/invitation/…`) goes on
 * to the console at `/console/` with its fragment; otherwise the page
 * detects the visitor's computer and shows the three steps.
 *
 * This page never asks for the session code, and must not: the code's
 * secret digits are for the customer's agent only, and the relay, which
 * serves this page, must never see them (README, security model). So there
 * is no form, no input and no request here that could carry one.
 */
import { forwardToConsole } from './console-forward.js';
import type { KeyValueStore } from './i18n/language.js';
import { SupportPage } from './page.js';
import { clientHintsOf, detectDevice } from './platform.js';
import './support-page.css';

/** localStorage can throw (cookies disabled, some private modes): the page then works without remembering. */
function storage(): KeyValueStore | undefined {
  try {
    return window.localStorage;
  } catch (err) {
    console.warn('support page: no storage, the language choice is not kept:', err);
    return undefined;
  }
}

// A console link typed or pasted while this page is open changes only the fragment: forward that too.
window.addEventListener('hashchange', () => forwardToConsole(window.location));

if (!forwardToConsole(window.location)) {
  const root = document.getElementById('app');
  if (root === null) throw new Error('index.html has no #app element');
  const page = new SupportPage({
    document,
    root,
    fetch: (input, init) => window.fetch(input, init),
    store: storage(),
    languages: navigator.languages.length > 0 ? navigator.languages : [navigator.language],
    device: detectDevice({ userAgent: navigator.userAgent, clientHints: clientHintsOf(navigator) }),
  });
  page.start().catch((err: unknown) => console.error('support page:', err));
}
