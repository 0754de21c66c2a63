/**
 * i18next's browser build, which the agent serves as `vendor/i18next.js`
 * (consent-server.ts `pageFiles`, from the i18next package's dist/esm): the
 * page imports it by that relative path, as the browser loads it without a
 * bundler, and takes its types from the i18next package itself.
 */
import type { i18n } from 'i18next';

/** The module's default export: i18next's default instance (the page makes its own with `createInstance`). */
declare const i18next: i18n;
export default i18next;
