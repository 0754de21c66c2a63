import { createHash, randomBytes } from 'node:crypto';
import { TandemError, type Mode, type RelaySignal, type TandemErrorCode, type TechnicianIdentity } from '@tandem/protocol';
import type { AuditLog } from './audit.js';
import type { RelaySession, SessionSide, TechnicianInfo } from './relay-session.js';
import type { SessionRegistry } from './session-registry.js';
import { Throttle } from './throttle.js';

/** A connection holding tickets for the customer's agent. */
export interface TicketHolder {
  readonly address: string;
  /** Tells the holder a technician is answering one of its tickets. */
  attempt(signal: Extract<RelaySignal, { t: 'attempt' }>): void;
}

/** A technician connection whose answer waits for the customer's agent to join. */
export interface AnsweringTechnician extends SessionSide {
  /** The attempt ended without a join (declined, timed out, holder gone): end this connection with `error`. */
  attemptFailed(error: TandemError): void;
}

/** Options of the invitation registry. */
export interface InvitationRegistryOptions {
  audit: AuditLog;
  /** Where joined attempts become sessions. */
  sessions: SessionRegistry;
  /** Time the customer's agent has to join an attempt, milliseconds. */
  attemptTimeoutMs: number;
  /** Unknown tickets per address per minute before TANDEM_ERR_RATE_LIMITED. */
  unknownTicketsPerMinute: number;
  /** Most tickets one holder connection may hold. */
  maxTicketsPerHolder?: number;
}

/** Default cap of tickets on one holder connection. */
export const MAX_TICKETS_PER_HOLDER = 256;

interface Attempt {
  readonly id: string;
  readonly ticket: string;
  readonly technician: AnsweringTechnician;
  readonly info: TechnicianInfo;
  readonly timer: NodeJS.Timeout;
}

interface Held {
  readonly holder: TicketHolder;
  attempt: Attempt | undefined;
}

/**
 * What the audit and the session rows show of a ticket: `ticket:` and the
 * first 8 hex characters of its SHA-256. Enough to match rows of one
 * invitation, never enough to answer it.
 */
export function ticketLabel(ticket: string): string {
  return `ticket:${createHash('sha256').update(ticket, 'utf8').digest('hex').slice(0, 8)}`;
}

/**
 * Invitation tickets of one relay node (docs/protocol.md, "Invitations"):
 * which connection holds each ticket, the one pending attempt per ticket,
 * and its timeout. The relay learns nothing of an invitation but its ticket;
 * expiry and passwords are the customer's agent's business. Tickets take no
 * nameplate space. In memory: a ticket lives exactly as long as its holder's
 * connection.
 */
export class InvitationRegistry {
  readonly #audit: AuditLog;
  readonly #sessions: SessionRegistry;
  readonly #attemptTimeoutMs: number;
  readonly #maxTickets: number;
  readonly #unknown: Throttle;
  readonly #held = new Map<string, Held>();
  readonly #byHolder = new Map<TicketHolder, Set<string>>();
  readonly #attempts = new Map<string, Attempt>();

  constructor(options: InvitationRegistryOptions) {
    this.#audit = options.audit;
    this.#sessions = options.sessions;
    this.#attemptTimeoutMs = options.attemptTimeoutMs;
    this.#maxTickets = options.maxTicketsPerHolder ?? MAX_TICKETS_PER_HOLDER;
    this.#unknown = new Throttle({ maxFailures: options.unknownTicketsPerMinute, windowMs: 60_000 });
  }

  /** Tickets held now. */
  get heldCount(): number {
    return this.#held.size;
  }

  /**
   * Holds `ticket` on `holder`. Holding it again on the same connection is
   * harmless; a ticket held on another connection is TANDEM_ERR_CONFLICT.
   */
  hold(holder: TicketHolder, ticket: string): void {
    const held = this.#held.get(ticket);
    if (held?.holder === holder) return;
    if (held) throw new TandemError('TANDEM_ERR_CONFLICT', 'This invitation is already held on another connection to the relay.');
    const tickets = this.#byHolder.get(holder) ?? new Set<string>();
    if (tickets.size >= this.#maxTickets) {
      throw new TandemError('TANDEM_ERR_RATE_LIMITED', `One connection may hold at most ${this.#maxTickets} invitations.`);
    }
    tickets.add(ticket);
    this.#byHolder.set(holder, tickets);
    this.#held.set(ticket, { holder, attempt: undefined });
  }

  /**
   * The holder's connection went away: its tickets are dropped (later
   * answers find them unknown) and a technician waiting on one of them is
   * told the customer's computer left. Sessions already joined run on.
   */
  releaseHolder(holder: TicketHolder): void {
    const tickets = this.#byHolder.get(holder);
    this.#byHolder.delete(holder);
    for (const ticket of tickets ?? []) {
      const attempt = this.#held.get(ticket)?.attempt;
      this.#held.delete(ticket);
      if (!attempt) continue;
      this.#forget(attempt);
      attempt.technician.attemptFailed(new TandemError('TANDEM_ERR_PEER_LOST', "The customer's computer disconnected before the session could start."));
    }
  }

  /**
   * A signed-in technician answers `ticket`: creates an attempt, tells the
   * holder, and returns the attempt id. Unknown tickets are audited as
   * `invitation-unknown` (committed before this rejects) and counted against
   * the address; a ticket with a pending attempt is TANDEM_ERR_CONFLICT.
   */
  async answer(technician: AnsweringTechnician, request: { identity: TechnicianIdentity; ticket: string; mode: Mode; caseNumber: string | undefined }): Promise<string> {
    const address = technician.address;
    const label = ticketLabel(request.ticket);
    if (this.#unknown.isLocked(address)) {
      throw new TandemError('TANDEM_ERR_RATE_LIMITED', `Too many unknown invitations from this address; try again in ${Math.ceil(this.#unknown.lockedFor(address) / 1000)} s.`);
    }
    const held = this.#held.get(request.ticket);
    if (!held) {
      const { lockedNow } = this.#unknown.recordFailure(address);
      const username = request.identity.username;
      await Promise.all([
        this.#audit.event({ kind: 'invitation-unknown', username, address, detail: label }),
        // Audited once per lock: later answers from the address are refused above without counting.
        lockedNow ? this.#audit.event({ kind: 'code-rate-limited', username, address, detail: `locked after unknown ${label}` }) : Promise.resolve(),
      ]);
      throw new TandemError('TANDEM_ERR_INVITATION_EXPIRED', "This invitation has expired or was withdrawn, or the customer's computer is not connected to this relay.");
    }
    if (held.attempt) throw new TandemError('TANDEM_ERR_CONFLICT', 'Another technician is connecting to this invitation; try again in a moment.');
    const info: TechnicianInfo = { identity: request.identity, address, mode: request.mode, caseNumber: request.caseNumber };
    // 96 random bits: only the holder learns it, and a join must name it with the ticket.
    const id = randomBytes(12).toString('base64url');
    const timer = setTimeout(() => {
      const attempt = this.#attempts.get(id);
      if (!attempt) return;
      this.#forget(attempt);
      attempt.technician.attemptFailed(new TandemError('TANDEM_ERR_TIMEOUT', "The customer's computer did not answer the invitation in time."));
    }, this.#attemptTimeoutMs);
    const attempt: Attempt = { id, ticket: request.ticket, technician, info, timer };
    held.attempt = attempt;
    this.#attempts.set(id, attempt);
    held.holder.attempt({
      t: 'attempt',
      attemptId: id,
      technician: request.identity,
      mode: request.mode,
      ...(request.caseNumber !== undefined ? { caseNumber: request.caseNumber } : {}),
    });
    return id;
  }

  /** The technician left (or was closed) before a join: its attempt is withdrawn. */
  withdraw(attemptId: string): void {
    const attempt = this.#attempts.get(attemptId);
    if (attempt) this.#forget(attempt);
  }

  /**
   * The customer's agent joins a pending attempt on a new connection: the
   * two are paired as with a claimed code. No such pending attempt (it timed
   * out, was declined or withdrawn, or never existed) is TANDEM_ERR_NOT_FOUND.
   */
  join(customer: SessionSide, ticket: string, attemptId: string): RelaySession {
    const attempt = this.#attempts.get(attemptId);
    if (!attempt || attempt.ticket !== ticket) {
      throw new TandemError('TANDEM_ERR_NOT_FOUND', 'No technician is waiting on this invitation attempt: it timed out, was withdrawn, or never existed.');
    }
    this.#forget(attempt);
    return this.#sessions.open({ nameplate: ticketLabel(ticket), technician: attempt.technician, customer, info: attempt.info, kind: 'invitation' });
  }

  /**
   * The holder declines an attempt on one of its tickets: the decline is
   * audited as `invitation-failed` (committed first), then the technician
   * gets the holder's error. A decline of an attempt that already ended (a
   * race with its timeout or the technician leaving) or that is not on this
   * holder's tickets is ignored: it must not cost the holder its connection.
   */
  async decline(holder: TicketHolder, decline: { attemptId: string; code: TandemErrorCode; message: string }): Promise<void> {
    const attempt = this.#attempts.get(decline.attemptId);
    if (!attempt || this.#held.get(attempt.ticket)?.holder !== holder) return;
    this.#forget(attempt);
    await this.#audit.event({
      kind: 'invitation-failed',
      username: attempt.info.identity.username,
      // The address of the side that tried the invitation, as for a wrong password in the handshake.
      address: attempt.info.address,
      detail: `declined: ${decline.code} (${ticketLabel(attempt.ticket)})`,
    });
    attempt.technician.attemptFailed(new TandemError(decline.code, decline.message));
  }

  /** Forgets every ticket and attempt and stops their timers (at shutdown; connections are closed by the server). */
  stop(): void {
    for (const attempt of this.#attempts.values()) clearTimeout(attempt.timer);
    this.#attempts.clear();
    this.#held.clear();
    this.#byHolder.clear();
  }

  #forget(attempt: Attempt): void {
    clearTimeout(attempt.timer);
    this.#attempts.delete(attempt.id);
    const held = this.#held.get(attempt.ticket);
    if (held?.attempt === attempt) held.attempt = undefined;
  }
}
