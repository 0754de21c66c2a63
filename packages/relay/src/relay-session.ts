import { randomUUID } from 'node:crypto';
import {
  StateMachine,
  TandemError,
  toTandemError,
  type CustomerDetails,
  type EndReason,
  type Mode,
  type TandemErrorCode,
  type TechnicianIdentity,
  type Transitions,
} from '@tandem/protocol';
import { AUDIT_FAILED, type AuditLog } from './audit.js';

/** What a session needs from each of its two connections. */
export interface SessionSide {
  readonly address: string;
  /** Sends a binary frame; `done` runs once it is written out. */
  sendBinary(data: Buffer, done: () => void): void;
  /** Bytes queued for this side and not yet written. */
  readonly bufferedAmount: number;
  pauseReading(): void;
  resumeReading(): void;
  readonly readingPaused: boolean;
  /** Tells this side `peer-left` with the reason, then closes it normally. */
  leave(reason: EndReason): void;
  /** Closes this side normally. A no-op once closed. */
  close(): void;
  /** Closes this side with `error`, sent to it first. A no-op once closed. */
  fail(error: TandemError): void;
}

/** Above this many queued bytes for the receiver, the sender stops being read. */
export const HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** Reading resumes once the receiver's queue falls below this. */
export const LOW_WATER_BYTES = 1024 * 1024;

/** Technician-side facts fixed at allocation. */
export interface TechnicianInfo {
  identity: TechnicianIdentity;
  address: string;
  mode: Mode;
  caseNumber?: string | undefined;
}

/** Where a session came from: a claimed session code or a joined invitation attempt. */
export type SessionKind = 'code' | 'invitation';

/** How an `abort` code maps to an end reason. */
export function abortReason(code: TandemErrorCode): EndReason {
  switch (code) {
    case 'TANDEM_ERR_WRONG_CODE':
      return 'wrong-code';
    case 'TANDEM_ERR_REFUSED':
      return 'refused';
    case 'TANDEM_ERR_PEER_LOST':
    case 'TANDEM_ERR_TIMEOUT':
    case 'TANDEM_ERR_TRUNCATED':
      return 'network-lost';
    default:
      return 'protocol-error';
  }
}

/**
 * The course of a relay session:
 * - `paired`: both sides are connected and forwarded, the customer has not consented;
 * - `started`: the customer consented (the audit row holds their details and the mode);
 * - `ended`: ended once, for one reason (terminal).
 */
export type RelaySessionState = 'paired' | 'started' | 'ended';

/** The moves of a {@link RelaySessionState}. */
export const RELAY_SESSION_TRANSITIONS: Transitions<RelaySessionState> = {
  paired: ['started', 'ended'],
  started: ['ended'],
  ended: [],
};

/**
 * Key confirmation as the relay learns it, beside the session's course. The
 * relay cannot see the handshake, so it takes each side's `confirmed` signal
 * (sent once its end-to-end layer opened) as that side's word; a session
 * counts as confirmed only once BOTH said so. A hostile claimer can send
 * `confirmed` without knowing the secret, but cannot send it for the honest
 * side.
 * - `unconfirmed`: neither side has confirmed yet;
 * - `technician-confirmed`, `customer-confirmed`: one side has;
 * - `confirmed`: both have (terminal).
 */
export type HandshakeState = 'unconfirmed' | 'technician-confirmed' | 'customer-confirmed' | 'confirmed';

/** The moves of a {@link HandshakeState}. */
export const HANDSHAKE_TRANSITIONS: Transitions<HandshakeState> = {
  unconfirmed: ['technician-confirmed', 'customer-confirmed'],
  'technician-confirmed': ['confirmed'],
  'customer-confirmed': ['confirmed'],
  confirmed: [],
};

/**
 * A paired session: forwards binary frames between the two sides, keeps the
 * audit row up to date, and ends once, through {@link end}. Its course and
 * the key confirmation are two state machines (protocol's StateMachine);
 * what a side signals is checked against them with `expect()`, so a signal
 * out of turn is that side's TANDEM_ERR_PROTOCOL. A session that
 * ends before both sides confirmed the keys, for whatever reason (a wrong
 * secret, a claimer who dropped after checking a guess against the
 * technician's confirmation tag, a timeout, network loss), is audited as a
 * failed handshake of the side that presented the secret; its end reason
 * stays the truthful one (docs/protocol.md).
 */
export class RelaySession {
  readonly id = randomUUID();
  readonly nameplate: string;
  readonly technician: SessionSide;
  readonly customer: SessionSide;
  readonly info: TechnicianInfo;
  readonly kind: SessionKind;
  readonly #audit: AuditLog;
  readonly #now: () => number;
  readonly #onEnded: (session: RelaySession) => void;
  readonly #machine = new StateMachine<RelaySessionState>({ name: 'relay session', initial: 'paired', transitions: RELAY_SESSION_TRANSITIONS });
  readonly #handshake = new StateMachine<HandshakeState>({ name: 'relay session handshake', initial: 'unconfirmed', transitions: HANDSHAKE_TRANSITIONS });
  #lastMode: Mode | null = null;
  /** Set when an audit write failed and the session was ended for it (fail closed). */
  #auditFailure: TandemError | undefined;
  readonly #report: (line: string) => void;
  readonly #onForwarded: ((bytes: number) => void) | undefined;
  /**
   * Settles once the session's audit row is committed: only then may the two
   * sides be told they are paired. Rejects when it cannot be written; the
   * session has then been ended with TANDEM_ERR_INTERNAL to both sides.
   */
  readonly recorded: Promise<void>;

  constructor(deps: {
    nameplate: string;
    technician: SessionSide;
    customer: SessionSide;
    info: TechnicianInfo;
    /** Default `code`. */
    kind?: SessionKind;
    audit: AuditLog;
    now: () => number;
    onEnded: (session: RelaySession) => void;
    /** Where the relay's operator reads why a session was ended (its stderr). */
    report: (line: string) => void;
    /** Hears the size of every frame forwarded (the relay's metrics). */
    onForwarded?: (bytes: number) => void;
  }) {
    this.#onForwarded = deps.onForwarded;
    this.nameplate = deps.nameplate;
    this.technician = deps.technician;
    this.customer = deps.customer;
    this.info = deps.info;
    this.kind = deps.kind ?? 'code';
    this.#audit = deps.audit;
    this.#now = deps.now;
    this.#onEnded = deps.onEnded;
    this.#report = deps.report;
    this.recorded = this.#write(
      this.#audit.sessionCreated({
        session_id: this.id,
        nameplate: this.nameplate,
        technician_username: this.info.identity.username,
        technician_address: this.info.address,
        customer_name: null,
        customer_number: null,
        case_number: this.info.caseNumber ?? null,
        customer_address: this.customer.address,
        mode_requested: this.info.mode,
        mode_at_start: null,
        last_mode: null,
        created_at: this.#now(),
        started_at: null,
        ended_at: null,
        end_reason: null,
      }),
    );
  }

  /** The session's course. */
  get state(): RelaySessionState {
    return this.#machine.state;
  }

  get ended(): boolean {
    return this.#machine.is('ended');
  }

  /** True when the session was ended because the relay could not write its audit. */
  get endedByAuditFailure(): boolean {
    return this.#auditFailure !== undefined;
  }

  /** True once both sides confirmed the keys. */
  get confirmed(): boolean {
    return this.#handshake.is('confirmed');
  }

  /** `from` says its end-to-end layer opened; a second word from the same side is a protocol error. */
  confirm(from: SessionSide): void {
    const role = from === this.technician ? 'technician' : 'customer';
    const own: HandshakeState = role === 'technician' ? 'technician-confirmed' : 'customer-confirmed';
    const other: HandshakeState = role === 'technician' ? 'customer-confirmed' : 'technician-confirmed';
    this.#handshake.expect(['unconfirmed', other], `"confirmed" from the ${role}, who already confirmed the keys,`);
    this.#handshake.to(this.#handshake.is('unconfirmed') ? own : 'confirmed');
  }

  /** Forwards a binary frame verbatim to the other side, pausing the sender while the receiver is backed up. */
  forward(from: SessionSide, data: Buffer): void {
    if (this.#machine.is('ended')) return;
    this.#onForwarded?.(data.length);
    const to = from === this.technician ? this.customer : this.technician;
    to.sendBinary(data, () => {
      if (from.readingPaused && to.bufferedAmount < LOW_WATER_BYTES) from.resumeReading();
    });
    if (to.bufferedAmount > HIGH_WATER_BYTES) from.pauseReading();
  }

  /** The customer consented: the session starts, with the customer's details for the audit. */
  consent(customer: CustomerDetails, mode: Mode): void {
    this.#machine.expect(['paired'], 'consent (the session already started)');
    this.#machine.to('started');
    this.#lastMode = mode;
    this.#record(
      this.#audit.sessionUpdated(this.id, {
        customer_name: customer.name,
        customer_number: customer.customerNumber,
        case_number: customer.caseNumber || this.info.caseNumber || null,
        mode_at_start: mode,
        last_mode: mode,
        started_at: this.#now(),
      }),
    );
  }

  /** The customer's current mode changed. */
  modeChanged(mode: Mode): void {
    this.#machine.expect(['started'], 'mode (the session has not started)');
    const from = this.#lastMode;
    this.#lastMode = mode;
    this.#record(this.#audit.sessionUpdated(this.id, { last_mode: mode }));
    this.#record(
      this.#audit.event({ kind: 'mode-change', username: this.info.identity.username, address: this.customer.address, sessionId: this.id, detail: `${from ?? '-'} -> ${mode}` }),
    );
  }

  /**
   * Ends the session once: records the reason and tells both sides. `origin`
   * is the side whose action or loss ended it. A session the relay ended
   * itself (`relay-shutdown`, `relay-error`) closes both sides with that
   * error instead of `peer-left`.
   */
  end(reason: EndReason, origin?: SessionSide): void {
    if (this.#machine.is('ended')) return;
    this.#machine.to('ended');
    this.#onEnded(this);
    this.#record(this.#audit.sessionUpdated(this.id, { ended_at: this.#now(), end_reason: reason }));
    // A session the relay's own audit failure ended proves nothing about the secret.
    if (!this.confirmed && this.#auditFailure === undefined) this.#record(this.#auditFailedHandshake(reason));
    const error = reason === 'relay-shutdown' ? new TandemError('TANDEM_ERR_SHUTTING_DOWN') : this.#auditFailure;
    for (const side of [this.technician, this.customer]) {
      if (error) side.fail(error);
      else if (side === origin) side.close();
      else side.leave(reason);
    }
  }

  /**
   * The session ended before both sides confirmed the keys: the secret was
   * never proven. The event names the address of the side that presented the
   * secret: the customer who typed a code, the technician who typed an
   * invitation's password. Nothing is burnt for an invitation: its ticket
   * stays held and the customer's agent counts wrong attempts
   * (docs/protocol.md, Invitations).
   */
  #auditFailedHandshake(reason: EndReason): Promise<void> {
    const username = this.info.identity.username;
    const how = reason === 'wrong-code' ? 'handshake failed' : `ended before key confirmation (${reason})`;
    if (this.kind === 'invitation') {
      return this.#audit.event({ kind: 'invitation-failed', username, address: this.info.address, sessionId: this.id, detail: `${this.nameplate}: ${how}` });
    }
    return this.#audit.event({ kind: 'code-failed', username, address: this.customer.address, sessionId: this.id, detail: `nameplate ${this.nameplate}: ${how}` });
  }

  /**
   * Every audit write of the session goes through here. A write that fails
   * ends the session (fail closed): a session the relay cannot record must
   * not start, nor go on unrecorded. Both sides get TANDEM_ERR_INTERNAL
   * naming the audit; the relay's stderr gets the cause (AuditLog's onError)
   * and this line. The returned promise still rejects, for {@link recorded}.
   */
  #write(p: Promise<void>): Promise<void> {
    const written = p.catch((err: unknown) => {
      const error = toTandemError(err);
      const ended = this.#machine.is('ended');
      this.#report(`tandem-relay: session ${this.id}: audit write failed, ${ended ? 'after the session ended' : 'ending the session'}: ${error.message}`);
      if (!ended) {
        this.#auditFailure = new TandemError('TANDEM_ERR_INTERNAL', AUDIT_FAILED, { cause: err });
        this.end('relay-error');
      }
      throw error;
    });
    return written;
  }

  /** An audit write nobody waits for: its failure is handled by {@link #write} (reported, session ended). */
  #record(p: Promise<void>): void {
    this.#write(p).catch((err: unknown) => {
      // Handled in #write already (reported to the operator, the session ended fail-closed); nothing more to do here.
      void err;
    });
  }
}
