/**
 * Entry point: builds the app's dependencies once (API client, sign-in
 * store, session controller, i18n) and renders the console.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import RFB from '@novnc/novnc';
import { TechnicianSession, webCryptoAeadProvider } from '@tandem/protocol';
import { ApiClient } from './api/api-client.js';
import { AuthStore } from './auth/auth-store.js';
import { createI18n } from './i18n/i18n.js';
import { asRawChannel, ScreenHost } from './screen/screen-host.js';
import { SessionController } from './session/session-controller.js';
import { openBrowserWebSocket } from './session/browser-websocket.js';
import { PendingInvitation } from './invitation/pending-invitation.js';
import { ServicesProvider, type Services } from './services.js';
import { App } from './app.js';
import './styles.css';

/** Storage can throw (disabled cookies, private modes); run without persistence then. */
function storage(get: () => Storage): Storage | undefined {
  try {
    return get();
  } catch {
    // No storage available: the language choice and sign-in simply do not persist.
    return undefined;
  }
}

const languageStore = storage(() => window.localStorage);
const auth = new AuthStore(storage(() => window.sessionStorage));
const api = new ApiClient({ getToken: () => auth.token, onUnauthorized: () => auth.signOut() });
const aead = webCryptoAeadProvider();
const sessions = new SessionController(
  (options) =>
    new TechnicianSession({
      ...options,
      // Same origin: the relay that served this page is the relay the session uses.
      relayUrl: window.location.origin,
      aead,
      connect: openBrowserWebSocket,
    }),
);
// shared: the customer's own viewers (if any) stay connected; the stream is the session's only.
const screen = new ScreenHost(sessions, (target, channel) => new RFB(target, asRawChannel(channel), { shared: true }), document);
const pendingInvitation = new PendingInvitation(storage(() => window.sessionStorage));
const services: Services = { api, auth, sessions, screen, languageStore, pendingInvitation, consoleOrigin: window.location.origin };
const i18n = createI18n(languageStore, navigator.languages ?? [navigator.language]);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <ServicesProvider services={services}>
        <App />
      </ServicesProvider>
    </I18nextProvider>
  </StrictMode>,
);
