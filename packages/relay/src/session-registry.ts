import { randomUUID } from 'node:crypto';
import { CODE, TandemError, type Mode, type TechnicianIdentity } from '@tandem/protocol';
import type { AuditLog } from './audit.js';
import { ClaimGuard } from './claim-guard.js';
import { NameplateAllocator } from './nameplates.js';
import { RelaySession, type SessionKind, type SessionSide, type TechnicianInfo } from './relay-session.js';

/** A technician connection waiting for its code to be claimed. */
export interface WaitingTechnician extends SessionSide {
  /** The code expired unclaimed: end this connection with that error. */
  codeExpired(): void;
}

/** Options of the registry. */
export interface SessionRegistryOptions {
  audit: AuditLog;
  /** Lifetime of a fresh code, milliseconds. */
  codeLifetimeMs: number;
  /** Failed claims per address per minute before TANDEM_ERR_RATE_LIMITED. */
  claimFailuresPerMinute: number;
  /** Failed claims per minute from all addresses together before every claim is refused (see ClaimGuard). */
  claimFailuresPerMinuteTotal: number;
  now?: () => number;
  /** Where the relay's operator reads why a session was ended (its stderr). */
  report: (line: string) => void;
  /** Hears the size of every frame a session forwards (the relay's metrics). */
  onForwarded?: (bytes: number) => void;
}

/**
 * Nameplates and live sessions of one relay node: allocation and expiry of
 * codes, claims (each consumes its nameplate) with per-address and
 * relay-wide throttling of failed claims, and the set of paired sessions. A
 * claimed code whose handshake never completed counts as a failed claim of
 * its customer: it burnt a live code.
 */
export class SessionRegistry {
  readonly #audit: AuditLog;
  readonly #report: (line: string) => void;
  readonly #onForwarded: ((bytes: number) => void) | undefined;
  readonly #now: () => number;
  readonly #allocator: NameplateAllocator<TechnicianInfo>;
  readonly #claims: ClaimGuard;
  readonly #waiting = new Map<string, { side: WaitingTechnician; timer: NodeJS.Timeout }>();
  readonly #sessions = new Map<string, RelaySession>();

  constructor(options: SessionRegistryOptions) {
    this.#audit = options.audit;
    this.#report = options.report;
    this.#onForwarded = options.onForwarded;
    this.#now = options.now ?? Date.now;
    this.#allocator = new NameplateAllocator({ lifetimeMs: options.codeLifetimeMs, now: this.#now });
    this.#claims = new ClaimGuard({
      audit: this.#audit,
      perAddressPerMinute: options.claimFailuresPerMinute,
      totalPerMinute: options.claimFailuresPerMinuteTotal,
      now: this.#now,
    });
  }

  /** Live paired sessions. */
  get sessions(): ReadonlyMap<string, RelaySession> {
    return this.#sessions;
  }

  /** Allocates a nameplate for a signed-in technician. */
  allocate(side: WaitingTechnician, identity: TechnicianIdentity, mode: Mode, caseNumber: string | undefined): { nameplate: string; expiresAt: number } {
    const info: TechnicianInfo = { identity, address: side.address, mode, caseNumber };
    const { nameplate, expiresAt } = this.#allocator.allocate(info);
    this.#waiting.set(nameplate, { side, timer: this.#expiryTimer(nameplate, expiresAt) });
    return { nameplate, expiresAt };
  }

  /** Extends a waiting code by CODE.extendMs; fails once it expired or was claimed. */
  extend(nameplate: string): number {
    const entry = this.#waiting.get(nameplate);
    const expiresAt = this.#allocator.extend(nameplate, CODE.extendMs);
    if (entry) {
      clearTimeout(entry.timer);
      entry.timer = this.#expiryTimer(nameplate, expiresAt);
    }
    return expiresAt;
  }

  /** The technician left before a claim: the nameplate is withdrawn for good. */
  release(nameplate: string): void {
    const entry = this.#waiting.get(nameplate);
    if (entry) clearTimeout(entry.timer);
    this.#waiting.delete(nameplate);
    this.#allocator.release(nameplate);
  }

  /**
   * Claims a nameplate for a customer and pairs the two sides. Unknown, used
   * and expired nameplates are audited (the write is committed before this
   * rejects) and counted against the address.
   */
  async claim(customer: SessionSide, nameplate: string): Promise<RelaySession> {
    const address = customer.address;
    this.#claims.check(address);
    const outcome = this.#allocator.claim(nameplate);
    const waiting = this.#waiting.get(nameplate);
    if (outcome.status === 'ok' && waiting) {
      clearTimeout(waiting.timer);
      this.#waiting.delete(nameplate);
      return this.open({ nameplate, technician: waiting.side, customer, info: outcome.owner, kind: 'code' });
    }
    // Audited once per lock: later claims are refused above without counting.
    await this.#claims.recordFailure(address, `nameplate ${nameplate}`);
    if (outcome.status === 'expired') {
      const now = this.#now();
      const info = outcome.owner;
      const sessionId = randomUUID();
      await Promise.all([
        this.#audit.sessionCreated({
          session_id: sessionId,
          nameplate,
          technician_username: info.identity.username,
          technician_address: info.address,
          customer_name: null,
          customer_number: null,
          case_number: info.caseNumber ?? null,
          customer_address: address,
          mode_requested: info.mode,
          mode_at_start: null,
          last_mode: null,
          created_at: now,
          started_at: null,
          ended_at: now,
          end_reason: 'expired-code',
        }),
        this.#audit.event({ kind: 'code-expired', username: info.identity.username, address, sessionId, detail: `nameplate ${nameplate}` }),
      ]);
      throw new TandemError('TANDEM_ERR_CODE_EXPIRED', 'This session code expired. Ask the technician for a new one.');
    }
    await this.#audit.event({ kind: 'code-unknown', address, detail: `nameplate ${nameplate}` });
    throw new TandemError('TANDEM_ERR_CODE_UNKNOWN', 'No session is waiting for this code: check the digits, or ask the technician for a new code.');
  }

  /**
   * Pairs two sides into a new live session (its audit row is written in
   * order before any later update). Claims use it; so do joined invitation
   * attempts, with `ticket:…` in place of a nameplate.
   */
  open(pairing: { nameplate: string; technician: SessionSide; customer: SessionSide; info: TechnicianInfo; kind: SessionKind }): RelaySession {
    const session = new RelaySession({
      ...pairing,
      audit: this.#audit,
      now: this.#now,
      report: this.#report,
      ...(this.#onForwarded ? { onForwarded: this.#onForwarded } : {}),
      onEnded: (s) => {
        this.#sessions.delete(s.id);
        if (s.kind !== 'code' || s.confirmed || s.endedByAuditFailure) return;
        // A code claimed and burnt without completing the handshake: a failed claim of its customer.
        this.#claims.recordFailure(s.customer.address, `nameplate ${s.nameplate}: handshake not completed`).catch(() => {
          // AuditLog's onError has reported the failed write; the session is over, there is nothing to hold back.
        });
      },
    });
    this.#sessions.set(session.id, session);
    return session;
  }

  /** Stops every code timer (at shutdown). */
  stop(): void {
    for (const entry of this.#waiting.values()) clearTimeout(entry.timer);
  }

  #expiryTimer(nameplate: string, expiresAt: number): NodeJS.Timeout {
    return setTimeout(() => {
      const entry = this.#waiting.get(nameplate);
      if (!entry || !this.#allocator.expire(nameplate)) return;
      this.#waiting.delete(nameplate);
      entry.side.codeExpired();
    }, Math.max(0, expiresAt - this.#now()) + 5);
  }
}
