import { describe, expect, it } from 'vitest';
import { NameplateAllocator } from './nameplates.js';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('NameplateAllocator', () => {
  it('allocates 3-digit nameplates that expire after the lifetime', () => {
    const c = clock();
    const a = new NameplateAllocator<string>({ lifetimeMs: 1000, now: c.now });
    const { nameplate, expiresAt } = a.allocate('tech');
    expect(nameplate).toMatch(/^\d{3}$/);
    expect(expiresAt).toBe(c.now() + 1000);
    c.advance(1000);
    expect(a.claim(nameplate)).toEqual({ status: 'expired', owner: 'tech' });
    expect(a.claim(nameplate)).toEqual({ status: 'expired', owner: 'tech' });
  });
  it('lets a nameplate be claimed exactly once', () => {
    const a = new NameplateAllocator<string>({ lifetimeMs: 1000 });
    const { nameplate } = a.allocate('tech');
    expect(a.claim(nameplate)).toEqual({ status: 'ok', owner: 'tech' });
    expect(a.claim(nameplate)).toEqual({ status: 'unknown' });
    expect(a.claim('999999')).toEqual({ status: 'unknown' });
  });
  it('extends only before expiry and before the claim', () => {
    const c = clock();
    const a = new NameplateAllocator<string>({ lifetimeMs: 1000, now: c.now });
    const first = a.allocate('t');
    c.advance(900);
    expect(a.extend(first.nameplate, 5000)).toBe(first.expiresAt + 5000);
    c.advance(1000);
    expect(a.claim(first.nameplate).status).toBe('ok');
    expect(() => a.extend(first.nameplate, 5000)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_CODE_UNKNOWN' }));
    const second = a.allocate('t');
    c.advance(1000);
    expect(() => a.extend(second.nameplate, 5000)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_CODE_EXPIRED' }));
  });
  it('release makes a waiting nameplate unknown', () => {
    const a = new NameplateAllocator<string>({ lifetimeMs: 1000 });
    const { nameplate } = a.allocate('t');
    a.release(nameplate);
    expect(a.claim(nameplate)).toEqual({ status: 'unknown' });
  });
  it('grows by one digit when half the space is waiting, never repeating a waiting nameplate', () => {
    const a = new NameplateAllocator<number>({ lifetimeMs: 60_000 });
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) seen.add(a.allocate(i).nameplate);
    expect([...seen].every((n) => n.length === 3)).toBe(true);
    expect(seen.size).toBe(500);
    expect(a.allocate(500).nameplate).toHaveLength(4);
  });
  it('does not hand out a recently used nameplate while others are free', () => {
    const c = clock();
    const a = new NameplateAllocator<number>({ lifetimeMs: 1000, now: c.now });
    const used = new Set<string>();
    for (let i = 0; i < 999; i++) {
      const { nameplate } = a.allocate(i);
      expect(used.has(nameplate)).toBe(false);
      used.add(nameplate);
      a.claim(nameplate);
    }
    expect(used.size).toBe(999);
    const last = a.allocate(999).nameplate;
    expect(used.has(last)).toBe(false);
    a.claim(last);
    // The space is full of tombstones: the oldest is reused rather than refusing.
    expect(a.allocate(1000).nameplate).toHaveLength(3);
    c.advance(3_600_001);
    expect(a.allocate(1001).nameplate).toHaveLength(3);
  });
  it('runs out only when every nameplate of every length is waiting', () => {
    const a = new NameplateAllocator<number>({ lifetimeMs: 60_000, minDigits: 1, maxDigits: 1 });
    for (let i = 0; i < 10; i++) a.allocate(i);
    expect(() => a.allocate(10)).toThrow(expect.objectContaining({ code: 'TANDEM_ERR_NAMEPLATES_EXHAUSTED' }));
  });
});
