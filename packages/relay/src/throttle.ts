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

  /** Milliseconds until `key` unlocks; 0 when it is not locked. */
  lockedFor(key: string): number {
    const entry = this.#entries.get(key);
    return entry ? Math.max(0, entry.lockedUntil - this.#now()) : 0;
  }

  /** Records a failure for `key`; reports whether it engaged the lock. */
  fail(key: string): FailureResult {
    const now = this.#now();
    this.#prune(now);
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { failures: [], lockedUntil: 0 };
      this.#entries.set(key, entry);
    }
    entry.failures = entry.failures.filter((t) => t > now - this.#windowMs);
    entry.failures.push(now);
    const wasLocked = entry.lockedUntil > now;
    if (!wasLocked && entry.failures.length >= this.#max) {
      entry.lockedUntil = now + this.#lockMs;
      return { lockedNow: true, count: entry.failures.length };
    }
    return { lockedNow: false, count: entry.failures.length };
  }

  /** Forgets the failures of `key` (after a success), unless it is locked. */
  reset(key: string): void {
    if (!this.isLocked(key)) this.#entries.delete(key);
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
      if (entry.lockedUntil <= now && last <= now - this.#windowMs) this.#entries.delete(key);
    }
  }
}
