/**
 * The app's dependencies, made once in main.tsx and handed down through
 * context rather than kept in module-level singletons.
 */
import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { ApiClient } from './api/api-client.js';
import type { AuthState, AuthStore } from './auth/auth-store.js';
import type { KeyValueStore } from './i18n/language.js';
import type { PendingInvitation } from './invitation/pending-invitation.js';
import type { ScreenHost, ScreenState } from './screen/screen-host.js';
import type { SessionController } from './session/session-controller.js';
import type { SessionView } from './session/session-model.js';

/** Everything the pages need from outside React. */
export interface Services {
  api: ApiClient;
  auth: AuthStore;
  sessions: SessionController;
  /** The noVNC viewer of the session's screen stream. */
  screen: ScreenHost;
  /** Where the language choice persists (localStorage). */
  languageStore: KeyValueStore | undefined;
  /** An invitation link's data waiting to be opened (kept across sign-in, never sent anywhere). */
  pendingInvitation: PendingInvitation;
  /** The origin that served the console: the only relay its sessions can use. */
  consoleOrigin: string;
}

const ServicesContext = createContext<Services | undefined>(undefined);

/** Provides the services to the tree below. */
export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

/** The app's services; only valid under {@link ServicesProvider}. */
export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices: no ServicesProvider above this component');
  return services;
}

/** The current sign-in state, re-rendering when it changes. */
export function useAuth(): AuthState | undefined {
  const { auth } = useServices();
  return useSyncExternalStore(
    (cb) => auth.subscribe(cb),
    () => auth.state,
  );
}

/** The live session's view, re-rendering on every event. */
export function useSessionView(): SessionView | undefined {
  const { sessions } = useServices();
  return useSyncExternalStore(sessions.subscribe, () => sessions.view);
}

/** The invitation link data waiting to be opened, re-rendering when it changes. */
export function usePendingInvitation(): string | undefined {
  const { pendingInvitation } = useServices();
  return useSyncExternalStore(pendingInvitation.subscribe, () => pendingInvitation.data);
}

/** The screen viewer's state, re-rendering when it changes. */
export function useScreenState(): ScreenState {
  const { screen } = useServices();
  return useSyncExternalStore(screen.subscribe, () => screen.state);
}
