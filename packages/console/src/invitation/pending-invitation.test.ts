import { describe, it, expect } from 'vitest';
import { PENDING_INVITATION_KEY, PendingInvitation } from './pending-invitation.js';

class MemoryStore {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

describe('PendingInvitation', () => {
  it('keeps link data across a reload of the tab and forgets it when cleared', () => {
    const store = new MemoryStore();
    const first = new PendingInvitation(store);
    let heard = 0;
    first.subscribe(() => heard++);
    first.put('VGFuZGVt');
    first.put('VGFuZGVt');
    expect(heard).toBe(1);
    expect(store.getItem(PENDING_INVITATION_KEY)).toBe('VGFuZGVt');
    // The sign-in page may reload the tab: a new instance finds the data again.
    const second = new PendingInvitation(store);
    expect(second.data).toBe('VGFuZGVt');
    second.clear();
    expect(second.data).toBeUndefined();
    expect(store.map.size).toBe(0);
  });

  it('works in memory when storage is unavailable', () => {
    const pending = new PendingInvitation(undefined);
    pending.put('abc');
    expect(pending.data).toBe('abc');
    const stop = pending.subscribe(() => {
      throw new Error('unsubscribed listener called');
    });
    stop();
    pending.clear();
    expect(pending.data).toBeUndefined();
  });
});
