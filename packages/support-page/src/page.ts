/**
 * The support page's controller: its model (language, help desk, device,
 * the downloads' availability), filled in as the relay answers, and one
 * render per change. The language starts as the browser prefers and the
 * visitor's choice is remembered.
 */
import { AGENT_PLATFORMS } from '@tandem/protocol';
import { checkDownload } from './downloads.js';
import { LANGUAGE_STORAGE_KEY, startLanguage, type KeyValueStore, type Language } from './i18n/language.js';
import { fetchHelpDesk } from './relay-info.js';
import type { Device } from './platform.js';
import { renderPage, type PageModel } from './view.js';

/** What the page needs from its surroundings (the browser's, in main.ts). */
export interface PageEnvironment {
  document: Document;
  root: HTMLElement;
  fetch: typeof fetch;
  /** localStorage, when the browser lets the page use it. */
  store: KeyValueStore | undefined;
  /** navigator.languages. */
  languages: readonly string[];
  device: Device;
}

/** The running page. */
export class SupportPage {
  readonly #env: PageEnvironment;
  #model: PageModel;

  constructor(env: PageEnvironment) {
    this.#env = env;
    this.#model = {
      language: startLanguage(env.store, env.languages),
      helpDesk: undefined,
      device: env.device,
      downloads: { windows: { state: 'checking' }, linux: { state: 'checking' } },
    };
  }

  /**
   * Asks the relay for its help desk and its downloads, and renders: first
   * once the help desk is known (so its name does not pop in), again as each
   * download's answer comes.
   */
  async start(): Promise<void> {
    const checks = AGENT_PLATFORMS.map(async (platform) => {
      const availability = await checkDownload(platform, this.#env.fetch);
      this.#update({ downloads: { ...this.#model.downloads, [platform]: availability } });
    });
    this.#update({ helpDesk: await fetchHelpDesk(this.#env.fetch) });
    await Promise.all(checks);
  }

  /** Shows the page in `language` and remembers the choice. */
  setLanguage(language: Language): void {
    try {
      this.#env.store?.setItem(LANGUAGE_STORAGE_KEY, language);
    } catch (err) {
      // Storage full or refused: the page switches all the same, only the choice is not kept.
      console.warn('support page: the language choice is not kept:', err);
    }
    this.#update({ language });
  }

  #update(change: Partial<PageModel>): void {
    this.#model = { ...this.#model, ...change };
    const { document, root } = this.#env;
    // A re-render replaces the elements: keep the keyboard focus where it was (the language buttons have ids).
    const focused = document.activeElement instanceof HTMLElement && document.activeElement.id !== '' ? document.activeElement.id : undefined;
    renderPage(document, root, this.#model, { setLanguage: (language) => this.setLanguage(language) });
    if (focused !== undefined) document.getElementById(focused)?.focus();
  }
}
