/**
 * i18next set-up for the console: both catalogues are bundled (they are
 * small), so initialisation is synchronous and the first render is already
 * translated.
 */
import { createInstance, type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import ja from './ja.json';
import { LANGUAGES, LANGUAGE_STORAGE_KEY, detectLanguage, type KeyValueStore, type Language } from './language.js';
import { inBackground } from '../async/in-background.js';

/** The bundled catalogues, one per language. */
export const CATALOGUES: Record<Language, Record<string, unknown>> = { en, ja };

/**
 * Creates the console's i18next instance. `store` keeps the explicit choice
 * (localStorage in the browser); `preferred` is navigator.languages.
 */
export function createI18n(store: KeyValueStore | undefined, preferred: readonly string[]): I18n {
  const instance = createInstance();
  // Both catalogues are in memory and initAsync is off: init finishes before it returns; its promise only restates that.
  inBackground(instance.use(initReactI18next).init({
    resources: { en: { translation: en }, ja: { translation: ja } },
    lng: detectLanguage(store, preferred),
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    initAsync: false,
    // React escapes text itself; i18next escaping would double-escape.
    interpolation: { escapeValue: false },
    returnNull: false,
  }));
  return instance;
}

/** Switches the language and remembers the choice for next time. */
export function switchLanguage(instance: I18n, store: KeyValueStore | undefined, language: Language): void {
  store?.setItem(LANGUAGE_STORAGE_KEY, language);
  inBackground(instance.changeLanguage(language));
}
