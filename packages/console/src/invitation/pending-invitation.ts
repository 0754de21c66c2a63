/**
 * Holds the data of an invitation link (`#/invitation/DATA`) between opening
 * the link and the sessions page reading it, across a sign-in on the way.
 * It lives in memory and in sessionStorage (this tab only, gone when the tab
 * closes) and is never sent anywhere: the data holds the invitation's secret.
 */
import type { KeyValueStore } from '../i18n/language.js';

/** sessionStorage key of the pending invitation link data. */
export const PENDING_INVITATION_KEY = 'tandem.pendingInvitation';

/** The link data waiting to be opened; subscribers hear when it changes. */
export class PendingInvitation {
  readonly #store: KeyValueStore | undefined;
  readonly #listeners = new Set<() => void>();
  #data: string | undefined;

  constructor(store: KeyValueStore | undefined) {
    this.#store = store;
    this.#data = store?.getItem(PENDING_INVITATION_KEY) ?? undefined;
  }

  /** The waiting link data, if any. */
  get data(): string | undefined {
    return this.#data;
  }

  /** Keeps `data` until {@link clear}. */
  put(data: string): void {
    if (data === this.#data) return;
    this.#data = data;
    this.#store?.setItem(PENDING_INVITATION_KEY, data);
    this.#emit();
  }

  /** Forgets the waiting data. */
  clear(): void {
    if (this.#data === undefined) return;
    this.#data = undefined;
    this.#store?.removeItem(PENDING_INVITATION_KEY);
    this.#emit();
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #emit(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
