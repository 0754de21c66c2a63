import { describe, expect, it } from 'vitest';
import { Throttle } from './throttle.js';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('Throttle', () => {
  it('locks on the max-th failure inside the window and unlocks after it', () => {
    const c = clock();
    const th = new Throttle({ maxFailures: 3, windowMs: 1000, now: c.now });
    expect(th.recordFailure('a').lockedNow).toBe(false);
    expect(th.recordFailure('a').lockedNow).toBe(false);
    expect(th.isLocked('a')).toBe(false);
    expect(th.recordFailure('a')).toEqual({ lockedNow: true, count: 3 });
    expect(th.isLocked('a')).toBe(true);
    expect(th.isLocked('b')).toBe(false);
    expect(th.lockedFor('a')).toBe(1000);
    c.advance(1000);
    expect(th.isLocked('a')).toBe(false);
  });
  it('forgets failures older than the window', () => {
    const c = clock();
    const th = new Throttle({ maxFailures: 2, windowMs: 1000, now: c.now });
    th.recordFailure('a');
    c.advance(1001);
    expect(th.recordFailure('a').lockedNow).toBe(false);
    expect(th.recordFailure('a').lockedNow).toBe(true);
  });
  it('reports the lock only once while locked', () => {
    const c = clock();
    const th = new Throttle({ maxFailures: 1, windowMs: 1000, now: c.now });
    expect(th.recordFailure('a').lockedNow).toBe(true);
    expect(th.recordFailure('a').lockedNow).toBe(false);
    expect(th.isLocked('a')).toBe(true);
  });
  it('forgive ends a lock engaged before the unlock and forgets the failures before it, not those after', () => {
    const c = clock();
    const th = new Throttle({ maxFailures: 2, windowMs: 1000, now: c.now });
    th.recordFailure('a');
    th.recordFailure('a');
    expect(th.isLocked('a')).toBe(true);
    c.advance(10);
    th.forgive('a', c.now() - 20);
    expect(th.isLocked('a')).toBe(true);
    th.forgive('a', c.now());
    expect(th.isLocked('a')).toBe(false);
    c.advance(10);
    expect(th.recordFailure('a').lockedNow).toBe(false);
    expect(th.recordFailure('a').lockedNow).toBe(true);
  });
  it('reset clears failures but never a lock', () => {
    const c = clock();
    const th = new Throttle({ maxFailures: 2, windowMs: 1000, now: c.now });
    th.recordFailure('a');
    th.reset('a');
    expect(th.recordFailure('a').lockedNow).toBe(false);
    th.recordFailure('a');
    th.reset('a');
    expect(th.isLocked('a')).toBe(true);
  });
  it('prunes idle keys so memory stays bounded', () => {
    const c = clock();
    const th = new Throttle({ maxFailures: 5, windowMs: 1000, now: c.now });
    for (let i = 0; i < 2000; i++) th.recordFailure(`k${i}`);
    c.advance(2000);
    th.recordFailure('fresh');
    expect(th.size).toBe(1);
  });
  it('counts reserved checks against the limit until they settle, and wakes waiters when one does', async () => {
    const c = clock();
    const th = new Throttle({ maxFailures: 2, windowMs: 1000, now: c.now });
    const first = th.reserve('a');
    const second = th.reserve('a');
    expect(first && second).toBeTruthy();
    expect(th.reserve('a')).toBeUndefined();
    const woken = th.whenSettled('a');
    expect(th.waiting('a')).toBe(1);
    first?.release();
    await woken;
    expect(th.isLocked('a')).toBe(false);
    const third = th.reserve('a');
    expect(second?.recordFailure()).toEqual({ lockedNow: false, count: 1 });
    expect(third?.recordFailure()).toEqual({ lockedNow: true, count: 2 });
    expect(third?.recordFailure()).toEqual({ lockedNow: false, count: 2 });
    expect(th.reserve('a')).toBeUndefined();
    expect(th.isLocked('a')).toBe(true);
  });
  it('keeps checks in flight counted across a reset', () => {
    const th = new Throttle({ maxFailures: 1, windowMs: 1000 });
    const pending = th.reserve('a');
    th.reset('a');
    expect(th.reserve('a')).toBeUndefined();
    pending?.release();
    expect(th.reserve('a')).toBeDefined();
  });
});
