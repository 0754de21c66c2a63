import { randomInt } from 'node:crypto';
import { CODE, TandemError } from '@tandem/protocol';

/** Options of a {@link NameplateAllocator}. */
export interface NameplateAllocatorOptions {
  /** Lifetime of a fresh nameplate, milliseconds. */
  lifetimeMs: number;
  /**
   * How long a used or expired nameplate is kept as a tombstone: claims of it
   * get the right error, and it is not handed out again meanwhile unless the
   * space is full. Default one hour.
   */
  quarantineMs?: number;
  minDigits?: number;
  maxDigits?: number;
  /** Uniform integer in [0, max), for tests; default a CSPRNG. */
  randomInt?: (max: number) => number;
  now?: () => number;
}

type Entry<T> =
  | { state: 'waiting'; owner: T; expiresAt: number }
  | { state: 'used' | 'expired'; owner: T; expiresAt: number; since: number };

/** Outcome of a claim. Every claim consumes the nameplate. */
export type ClaimOutcome<T> = { status: 'ok'; owner: T } | { status: 'expired'; owner: T } | { status: 'unknown' };

/**
 * Hands out nameplates, random among the free ones, with CODE.minNameplateDigits
 * digits and one more whenever half or more of the current space is waiting.
 * A nameplate can be claimed once; afterwards it is a tombstone. Pure state,
 * no timers: the caller calls {@link expire} (or lets claims find out lazily).
 */
export class NameplateAllocator<T> {
  readonly #lifetimeMs: number;
  readonly #quarantineMs: number;
  readonly #minDigits: number;
  readonly #maxDigits: number;
  readonly #random: (max: number) => number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry<T>>();
  readonly #waiting = new Set<string>();
  #lastPurge = 0;

  constructor(options: NameplateAllocatorOptions) {
    this.#lifetimeMs = options.lifetimeMs;
    this.#quarantineMs = options.quarantineMs ?? 3_600_000;
    this.#minDigits = options.minDigits ?? CODE.minNameplateDigits;
    this.#maxDigits = options.maxDigits ?? CODE.maxNameplateDigits;
    this.#random = options.randomInt ?? ((max) => randomInt(max));
    this.#now = options.now ?? Date.now;
  }

  /** Nameplates waiting for a claim now. */
  get waitingCount(): number {
    this.#refreshWaiting();
    return this.#waiting.size;
  }

  /** Allocates a nameplate for `owner`; throws TANDEM_ERR_NAMEPLATES_EXHAUSTED when none is free. */
  allocate(owner: T): { nameplate: string; expiresAt: number } {
    const now = this.#now();
    this.#refreshWaiting();
    this.#purge(now);
    let digits = this.#minDigits;
    while (digits < this.#maxDigits && this.#waiting.size >= 10 ** digits / 2) digits++;
    for (; digits <= this.#maxDigits; digits++) {
      const nameplate = this.#pick(digits);
      if (nameplate === undefined) continue;
      const expiresAt = now + this.#lifetimeMs;
      this.#entries.set(nameplate, { state: 'waiting', owner, expiresAt });
      this.#waiting.add(nameplate);
      return { nameplate, expiresAt };
    }
    throw new TandemError('TANDEM_ERR_NAMEPLATES_EXHAUSTED');
  }

  /** Adds `byMs` to a waiting nameplate's expiry; fails once it expired or was claimed. */
  extend(nameplate: string, byMs: number): number {
    const entry = this.#lookup(nameplate);
    if (entry?.state === 'expired') throw new TandemError('TANDEM_ERR_CODE_EXPIRED', 'The code expired and can no longer be extended.');
    if (entry?.state !== 'waiting') throw new TandemError('TANDEM_ERR_CODE_UNKNOWN', 'The code is no longer waiting and cannot be extended.');
    entry.expiresAt += byMs;
    return entry.expiresAt;
  }

  /** Expiry of a waiting nameplate, or undefined. */
  expiresAt(nameplate: string): number | undefined {
    const entry = this.#lookup(nameplate);
    return entry?.state === 'waiting' ? entry.expiresAt : undefined;
  }

  /** Claims a nameplate. Whatever the outcome, it cannot be claimed successfully again. */
  claim(nameplate: string): ClaimOutcome<T> {
    const entry = this.#lookup(nameplate);
    if (entry === undefined || entry.state === 'used') return { status: 'unknown' };
    if (entry.state === 'expired') return { status: 'expired', owner: entry.owner };
    this.#tombstone(nameplate, entry, 'used');
    return { status: 'ok', owner: entry.owner };
  }

  /** Withdraws a waiting nameplate (its technician left): later claims find it unknown. */
  release(nameplate: string): void {
    const entry = this.#entries.get(nameplate);
    if (entry?.state === 'waiting') this.#tombstone(nameplate, entry, 'used');
  }

  /** Marks a waiting nameplate as expired if its time has come; true when it is (now) expired. */
  expire(nameplate: string): boolean {
    return this.#lookup(nameplate)?.state === 'expired';
  }

  #lookup(nameplate: string): Entry<T> | undefined {
    const entry = this.#entries.get(nameplate);
    if (entry?.state === 'waiting' && entry.expiresAt <= this.#now()) {
      this.#tombstone(nameplate, entry, 'expired');
      return this.#entries.get(nameplate);
    }
    return entry;
  }

  #tombstone(nameplate: string, entry: Entry<T>, state: 'used' | 'expired'): void {
    this.#waiting.delete(nameplate);
    this.#entries.set(nameplate, { state, owner: entry.owner, expiresAt: entry.expiresAt, since: this.#now() });
  }

  #refreshWaiting(): void {
    for (const nameplate of [...this.#waiting]) this.#lookup(nameplate);
  }

  #purge(now: number): void {
    if (now - this.#lastPurge < 1000) return;
    this.#lastPurge = now;
    for (const [nameplate, entry] of this.#entries) {
      if (entry.state !== 'waiting' && entry.since + this.#quarantineMs <= now) this.#entries.delete(nameplate);
    }
  }

  /** A free nameplate of `digits` digits, else the oldest tombstone of that length, else undefined. */
  #pick(digits: number): string | undefined {
    const space = 10 ** digits;
    const format = (n: number): string => String(n).padStart(digits, '0');
    for (let i = 0; i < 32; i++) {
      const candidate = format(this.#random(space));
      if (!this.#entries.has(candidate)) return candidate;
    }
    const free: number[] = [];
    for (let n = 0; n < space; n++) if (!this.#entries.has(format(n))) free.push(n);
    const chosen = free.length > 0 ? free[this.#random(free.length)] : undefined;
    if (chosen !== undefined) return format(chosen);
    // The space is full: reuse the tombstone that has rested longest rather than refuse.
    let oldest: { nameplate: string; since: number } | undefined;
    for (const [nameplate, entry] of this.#entries) {
      if (entry.state === 'waiting' || nameplate.length !== digits) continue;
      if (!oldest || entry.since < oldest.since) oldest = { nameplate, since: entry.since };
    }
    return oldest?.nameplate;
  }
}
