import { describe, it, expect } from 'vitest';
import { AUTH_STORAGE_KEY, AuthStore } from './auth-store.js';
import type { KeyValueStore } from '../i18n/language.js';

function memoryStore(initial: Record<string, string> = {}): KeyValueStore & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const user = { username: 'alice', displayName: 'Alice', role: 'admin' as const, team: 'Desk' };

describe('AuthStore', () => {
  it('persists a sign-in and restores it from storage', () => {
    const store = memoryStore();
    const auth = new AuthStore(store);
    expect(auth.state).toBeUndefined();
    auth.signIn({ token: 'tok', user });
    expect(new AuthStore(store).state).toEqual({ token: 'tok', user });
  });

  it('notifies subscribers and forgets the token on sign-out', () => {
    const store = memoryStore();
    const auth = new AuthStore(store);
    let calls = 0;
    const off = auth.subscribe(() => calls++);
    auth.signIn({ token: 'tok', user });
    auth.signOut();
    auth.signOut();
    off();
    auth.signIn({ token: 'tok2', user });
    expect(calls).toBe(2);
    expect(auth.token).toBe('tok2');
    auth.signOut();
    expect(store.data.has(AUTH_STORAGE_KEY)).toBe(false);
  });

  it('drops a corrupt stored entry', () => {
    const store = memoryStore({ [AUTH_STORAGE_KEY]: '{not json' });
    expect(new AuthStore(store).state).toBeUndefined();
    expect(store.data.has(AUTH_STORAGE_KEY)).toBe(false);
  });
});
