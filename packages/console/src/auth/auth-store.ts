/**
 * Who is signed in. The bearer token lives in sessionStorage: it survives a
 * reload of the tab but not closing it, and other tabs do not share it.
 */
import type { AccountInfo } from '../api/types.js';
import type { KeyValueStore } from '../i18n/language.js';

/** sessionStorage key of the signed-in state. */
export const AUTH_STORAGE_KEY = 'tandem.auth';

/** The signed-in state. */
export interface AuthState {
  token: string;
  user: AccountInfo;
}

/** Holds the sign-in state and tells subscribers when it changes. */
export class AuthStore {
  readonly #store: KeyValueStore | undefined;
  readonly #listeners = new Set<() => void>();
  #state: AuthState | undefined;

  constructor(store: KeyValueStore | undefined) {
    this.#store = store;
    this.#state = AuthStore.#load(store);
  }

  static #load(store: KeyValueStore | undefined): AuthState | undefined {
    const raw = store?.getItem(AUTH_STORAGE_KEY);
    if (!raw) return undefined;
    try {
      const value = JSON.parse(raw) as Partial<AuthState>;
      if (typeof value.token === 'string' && value.token !== '' && typeof value.user?.username === 'string') {
        return { token: value.token, user: value.user };
      }
    } catch {
      // A corrupt entry is as good as none: the user signs in again.
    }
    store?.removeItem(AUTH_STORAGE_KEY);
    return undefined;
  }

  /** The current state, or undefined when signed out. Stable between changes. */
  get state(): AuthState | undefined {
    return this.#state;
  }

  /** The bearer token, if signed in. */
  get token(): string | undefined {
    return this.#state?.token;
  }

  /** Records a successful sign-in. */
  signIn(state: AuthState): void {
    this.#state = state;
    this.#store?.setItem(AUTH_STORAGE_KEY, JSON.stringify(state));
    this.#emit();
  }

  /** Updates the account details (from GET /api/me) keeping the token. */
  updateUser(user: AccountInfo): void {
    if (!this.#state) return;
    this.signIn({ token: this.#state.token, user });
  }

  /** Forgets the sign-in. */
  signOut(): void {
    if (!this.#state) return;
    this.#state = undefined;
    this.#store?.removeItem(AUTH_STORAGE_KEY);
    this.#emit();
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
