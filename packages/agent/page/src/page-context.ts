/** What every part of the page gets: the state, the elements, the translator, the actions client. */
import type { ActionsClient } from './actions-client.js';
import type { PageElements } from './dom.js';
import type { Translator } from './i18n/i18n.js';
import type { PageState } from './state.js';

/** The page's parts, made once at start (app.ts) and passed to each render and handler. */
export interface PageContext {
  readonly state: PageState;
  readonly ui: PageElements;
  readonly tr: Translator;
  readonly actions: ActionsClient;
}
