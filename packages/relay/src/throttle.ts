/**
 * Counts failures per key (an account name, an address) in a sliding window
 * and locks the key once `maxFailures` failures fall inside it. A lock lasts
 * `lockMs` from the failure that triggered it. In memory: one relay node.
 */
export interface ThrottleOptions {
  /** Failures within `windowMs` that lock the key. */
  maxFailures: number;
  /** Window over which failures are counted, milliseconds. */
  windowMs: number;
  /** How long a lock lasts, milliseconds (defaults to `windowMs`). */
  lockMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Entry {
  failures: number[];
  lockedUntil: number;
  /** When the current (or last) lock was engaged. */
  lockedAt: number;
  /** Reservations taken and not yet settled (checks in flight). */
  pending: number;
  /** Woken whenever a reservation of this key settles. */
  waiters: (() => void)[];
}

/**
 * A check in flight, counted against the key until it settles: {@link recordFailure}
 * when the check failed, {@link release} when it succeeded. Only the first
 * settling counts.
 */
export interface Reservation {
  recordFailure(): FailureResult;
  release(): void;
}

/** The {@link Reservation} of {@link Throttle.reserve}. Its entry stays in the map while it is pending. */
class PendingCheck implements Reservation {
  readonly #entry: Entry;
  readonly #record: (entry: Entry) => FailureResult;
  #settled = false;

  constructor(entry: Entry, record: (entry: Entry) => FailureResult) {
    this.#entry = entry;
    this.#record = record;
  }

  recordFailure(): FailureResult {
    if (this.#settled) return { lockedNow: false, count: this.#entry.failures.length };
    this.#settle();
    return this.#record(this.#entry);
  }

  release(): void {
    if (!this.#settled) this.#settle();
  }

  /** Waiters run later (promise callbacks), so they see the failure recorded by recordFailure(). */
  #settle(): void {
    this.#settled = true;
    this.#entry.pending--;
    for (const wake of this.#entry.waiters.splice(0)) wake();
  }
}

/** Result of recording a failure. */
export interface FailureResult {
  /** True when this failure engaged the lock. */
  lockedNow: boolean;
  /** Failures counted in the window, including this one. */
  count: number;
}

/** A per-key failure counter with lock-out; see {@link ThrottleOptions}. */
export class Throttle {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #lockMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: ThrottleOptions) {
    if (!(options.maxFailures >= 1) || !(options.windowMs > 0)) throw new RangeError('throttle: maxFailures >= 1 and windowMs > 0 required');
    this.#max = options.maxFailures;
    this.#windowMs = options.windowMs;
    this.#lockMs = options.lockMs ?? options.windowMs;
    this.#now = options.now ?? Date.now;
  }

  /** True while `key` is locked. */
  isLocked(key: string): boolean {
    const entry = this.#entries.get(key);
    return entry !== undefined && entry.lockedUntil > this.#now();
  }

  /** When the lock of `key` ends (ms since the epoch); identifies one lock. 0 when never locked. */
  lockedUntil(key: string): number {
    return this.#entries.get(key)?.lockedUntil ?? 0;
  }

  /** Milliseconds until `key` unlocks; 0 when it is not locked. */
  lockedFor(key: string): number {
    const entry = this.#entries.get(key);
    return entry ? Math.max(0, entry.lockedUntil - this.#now()) : 0;
  }

  /** Records a failure for `key`; reports whether it engaged the lock. */
  recordFailure(key: string): FailureResult {
    const now = this.#now();
    this.#prune(now);
    return this.#addFailure(this.#entry(key), now);
  }

  /**
   * Reserves one check for `key` before it runs: granted only while the key
   * is not locked and its failures in the window plus the checks already in
   * flight stay below `maxFailures`, so however many checks run at once, no
   * more of them can fail than the limit allows. Undefined when no check may
   * start now: the key is locked ({@link isLocked}) or full of checks in
   * flight ({@link whenSettled} tells when to try again).
   */
  reserve(key: string): Reservation | undefined {
    const now = this.#now();
    this.#prune(now);
    const entry = this.#entry(key);
    this.#dropExpired(entry, now);
    if (entry.lockedUntil > now || entry.failures.length + entry.pending >= this.#max) return undefined;
    entry.pending++;
    return new PendingCheck(entry, (e) => this.#addFailure(e, this.#now()));
  }

  /** Resolves when a reservation of `key` settles (or at once when none is in flight). */
  whenSettled(key: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (!entry || entry.pending === 0) return Promise.resolve();
    return new Promise((resolve) => entry.waiters.push(resolve));
  }

  /** Callers waiting in {@link whenSettled} for `key`. */
  waiting(key: string): number {
    return this.#entries.get(key)?.waiters.length ?? 0;
  }

  #entry(key: string): Entry {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { failures: [], lockedUntil: 0, lockedAt: 0, pending: 0, waiters: [] };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  #dropExpired(entry: Entry, now: number): void {
    entry.failures = entry.failures.filter((t) => t > now - this.#windowMs);
  }

  #addFailure(entry: Entry, now: number): FailureResult {
    this.#dropExpired(entry, now);
    entry.failures.push(now);
    const wasLocked = entry.lockedUntil > now;
    if (!wasLocked && entry.failures.length >= this.#max) {
      entry.lockedUntil = now + this.#lockMs;
      entry.lockedAt = now;
      return { lockedNow: true, count: entry.failures.length };
    }
    return { lockedNow: false, count: entry.failures.length };
  }

  /** Forgets the failures of `key` (after a success), unless it is locked; checks in flight stay counted. */
  reset(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry || this.isLocked(key)) return;
    if (entry.pending === 0 && entry.waiters.length === 0) this.#entries.delete(key);
    else entry.failures = [];
  }

  /**
   * Forgives `key` what happened up to `since` (an administrator unlocked it
   * then): failures at or before it stop counting, and a lock engaged at or
   * before it ends. Later failures and checks in flight stay counted.
   */
  forgive(key: string, since: number): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.failures = entry.failures.filter((t) => t > since);
    if (entry.lockedAt <= since) entry.lockedUntil = 0;
  }

  /** Keys tracked now (for tests and bounds). */
  get size(): number {
    return this.#entries.size;
  }

  /** Drops entries with no recent failure and no lock, so memory stays bounded by recent activity. */
  #prune(now: number): void {
    if (this.#entries.size < 1024) return;
    for (const [key, entry] of this.#entries) {
      const last = entry.failures[entry.failures.length - 1] ?? 0;
      if (entry.lockedUntil <= now && last <= now - this.#windowMs && entry.pending === 0 && entry.waiters.length === 0) this.#entries.delete(key);
    }
  }
}
