/**
 * Languages and translation for the page: English and Japanese, the
 * browser's language by default, switchable. i18next comes from the agent
 * as `vendor/i18next.js`; the page makes its own instance of it.
 */
import type { i18n as I18next, TOptions } from 'i18next';
import i18next from '../vendor/i18next.js';
import { en } from './en.js';
import { ja } from './ja.js';

/** The page's languages. */
export const LANGUAGES = ['en', 'ja'] as const;
/** One of {@link LANGUAGES}. */
export type Language = (typeof LANGUAGES)[number];

/** Values filled into `{{placeholders}}`. */
export type Params = Record<string, string | number>;

/** The first of the browser's preferred languages the page has, English otherwise. */
export function browserLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    const found = LANGUAGES.find((lng) => lng === base);
    if (found !== undefined) return found;
  }
  return 'en';
}

/** Translation in the page's current language. */
export class Translator {
  readonly #i18next: I18next;
  #language: Language;

  private constructor(instance: I18next, language: Language) {
    this.#i18next = instance;
    this.#language = language;
  }

  /** Starts a fresh i18next instance with both catalogues in `language`. */
  static async start(language: Language): Promise<Translator> {
    const instance = i18next.createInstance();
    await instance.init({
      lng: language,
      fallbackLng: 'en',
      supportedLngs: [...LANGUAGES],
      resources: { en: { translation: en }, ja: { translation: ja } },
      // Text is always set with textContent, never as HTML: no escaping wanted.
      interpolation: { escapeValue: false },
    });
    return new Translator(instance, language);
  }

  /** The current language. */
  get language(): Language {
    return this.#language;
  }

  /** Switches the language. */
  async change(language: Language): Promise<void> {
    await this.#i18next.changeLanguage(language);
    this.#language = language;
  }

  /** The text of `key` with `params` filled in. */
  t(key: string, params: Params = {}): string {
    const options: TOptions = params;
    return this.#i18next.t(key, options);
  }

  /** True when the catalogues have `key` (the page's fallbacks for texts from the agent). */
  has(key: string): boolean {
    return this.#i18next.exists(key);
  }
}
