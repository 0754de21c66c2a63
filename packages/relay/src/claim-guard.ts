import { TandemError } from '@tandem/protocol';
import type { AuditLog } from './audit.js';
import { Throttle } from './throttle.js';

/** Window over which failed claims are counted, and how long a lock lasts, milliseconds. */
export const CLAIM_WINDOW_MS = 60_000;

/** Options of a {@link ClaimGuard}. */
export interface ClaimGuardOptions {
  audit: AuditLog;
  /** Failed claims per address per minute before that address is refused. */
  perAddressPerMinute: number;
  /** Failed claims per minute from all addresses together before every claim is refused. */
  totalPerMinute: number;
  now?: () => number;
}

/** Longest audit detail the scan summary uses (AuditLog keeps 200 characters). */
const SCAN_DETAIL_CHARS = 200;

/** The one key of the relay-wide budget. */
const RELAY_KEY = 'relay';

/**
 * The budget of failed claims. A nameplate has only 3 digits, so anyone who
 * claims nameplates at random finds live codes and burns them (a claim
 * consumes its nameplate, a failed handshake burns it). A failed claim is an
 * unknown or expired nameplate, or a claimed code whose handshake did not
 * complete. Each address gets `perAddressPerMinute`; all addresses together
 * get `totalPerMinute`, so a scan spread over many addresses is slowed too.
 * Once the relay-wide budget is spent every claim is refused for a minute,
 * a customer's with the right code as well: that is the price of not letting
 * the scan go on burning codes. Each spent budget is one audit row: a per-address
 * lock is `code-rate-limited`, the relay-wide one `code-scan` with the count
 * and the addresses, never a row per refused claim. In memory: one relay node.
 */
export class ClaimGuard {
  readonly #audit: AuditLog;
  readonly #now: () => number;
  readonly #byAddress: Throttle;
  readonly #total: Throttle;
  readonly #totalLimit: number;
  /** Failed claims in the current window, for the scan's audit row; at most a few windows' budget. */
  #recent: { at: number; address: string }[] = [];

  constructor(options: ClaimGuardOptions) {
    this.#audit = options.audit;
    this.#now = options.now ?? Date.now;
    this.#totalLimit = options.totalPerMinute;
    this.#byAddress = new Throttle({ maxFailures: options.perAddressPerMinute, windowMs: CLAIM_WINDOW_MS, now: this.#now });
    this.#total = new Throttle({ maxFailures: options.totalPerMinute, windowMs: CLAIM_WINDOW_MS, now: this.#now });
  }

  /** Throws TANDEM_ERR_RATE_LIMITED while the relay or this address has spent its budget. */
  check(address: string): void {
    if (this.#total.isLocked(RELAY_KEY)) {
      throw new TandemError(
        'TANDEM_ERR_RATE_LIMITED',
        `The relay is refusing session codes for ${Math.ceil(this.#total.lockedFor(RELAY_KEY) / 1000)} s: too many wrong codes were tried from many addresses.`,
      );
    }
    if (this.#byAddress.isLocked(address)) {
      throw new TandemError('TANDEM_ERR_RATE_LIMITED', `Too many failed codes from this address; try again in ${Math.ceil(this.#byAddress.lockedFor(address) / 1000)} s.`);
    }
  }

  /**
   * Counts a failed claim from `address` (`what` names it for the audit,
   * e.g. `nameplate 123`) and audits each lock it engages, once. Resolves
   * once those rows are committed.
   */
  async recordFailure(address: string, what: string): Promise<void> {
    const now = this.#now();
    this.#recent = this.#recent.filter((f) => f.at > now - CLAIM_WINDOW_MS).slice(-4 * this.#totalLimit);
    this.#recent.push({ at: now, address });
    const byAddress = this.#byAddress.recordFailure(address);
    const total = this.#total.recordFailure(RELAY_KEY);
    await Promise.all([
      byAddress.lockedNow ? this.#audit.event({ kind: 'code-rate-limited', address, detail: `locked after ${what}` }) : undefined,
      total.lockedNow ? this.#audit.event({ kind: 'code-scan', address, detail: this.#scanSummary(total.count) }) : undefined,
    ]);
  }

  /** `N failed claims in 60 s from K addresses: a ×5, b ×2, … +M more`, most frequent first, within the audit's detail length. */
  #scanSummary(count: number): string {
    const perAddress = new Map<string, number>();
    for (const f of this.#recent) perAddress.set(f.address, (perAddress.get(f.address) ?? 0) + 1);
    const ranked = [...perAddress].sort((a, b) => b[1] - a[1]);
    let detail = `${count} failed claims in ${CLAIM_WINDOW_MS / 1000} s from ${ranked.length} addresses:`;
    for (const [i, [address, n]] of ranked.entries()) {
      const separator = i === 0 ? ' ' : ', ';
      const part = `${separator}${address} ×${n}`;
      const rest = ranked.length - i - 1;
      const tail = rest > 0 ? `, +${rest} more` : '';
      if (detail.length + part.length + tail.length > SCAN_DETAIL_CHARS) return `${detail}${separator}+${ranked.length - i} more`;
      detail += part;
    }
    return detail;
  }
}
