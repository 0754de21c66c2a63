/**
 * The customer's side of a session (the agent): claim the code's nameplate →
 * handshake with the code's secret → the technician's request → the
 * customer's decision → active, with step-up decisions, stepping down, chat.
 *
 * States: idle → connecting (claim sent) → handshaking (paired) → consent
 * (keys confirmed; waiting for the request, then for the customer) → active
 * → ended | failed; consent → refusing (the customer's refusal on its way) →
 * ended | failed. Nothing reaches the technician before the customer accepts
 * but the handshake itself.
 */
import { assertOneOf, assertString } from './assert.js';
import { LIMITS, MODES, modeRank, type EndReason, type Mode } from './constants.js';
import { TandemError } from './errors.js';
import type { Transitions } from './state-machine.js';
import { PeerSession, type BaseState, type PeerSessionOptions, type RfbEvent } from './peer-session.js';
import { assertAttempt, assertTicket, parseCustomerDetails, type CustomerDetails, type RelaySignal, type TechnicianIdentity } from './relay-messages.js';
import { parseCode, type SessionCode } from './session-code.js';
import type { ControlMessage } from './session-messages.js';
import { utf8 } from './bytes.js';

/** States of the customer's session. */
export type CustomerState = BaseState | 'handshaking' | 'consent' | 'refusing' | 'active';

const ANY_END = ['ended', 'failed'] as const;

/** The moves of a {@link CustomerState}. */
export const CUSTOMER_TRANSITIONS: Transitions<CustomerState> = {
  idle: ['connecting', ...ANY_END],
  connecting: ['handshaking', ...ANY_END],
  handshaking: ['consent', ...ANY_END],
  consent: ['active', 'refusing', ...ANY_END],
  refusing: [...ANY_END],
  active: [...ANY_END],
  ended: [],
  failed: [],
};

/** Options of a customer's session: a code, or an attempt on an invitation. */
export type CustomerSessionOptions = PeerSessionOptions &
  (
    | {
        /** The code as the customer typed it. */
        code: string;
      }
    | {
        /** An attempt the relay announced on an invitation this agent holds. */
        invitation: { ticket: string; secret: string; attemptId: string };
      }
  );

/** Events of a customer's session; the last one is `ended` or `failed`. */
export type CustomerEvent =
  | { type: 'joined'; sessionId: string; sas: string; technician: TechnicianIdentity; caseNumber?: string }
  | { type: 'consent-needed'; technician: TechnicianIdentity; mode: Mode; caseNumber?: string; sas: string }
  | { type: 'mode-request'; mode: Mode }
  /** A request that came while `pending` waited for the customer: refused at once, the pending one stays. */
  | { type: 'request-refused'; mode: Mode; pending: Mode }
  | { type: 'mode'; mode: Mode }
  | { type: 'chat'; text: string }
  | RfbEvent
  | { type: 'ended'; reason: EndReason }
  | { type: 'failed'; error: TandemError };

/** The customer's side of one session. */
export class CustomerSession extends PeerSession<CustomerState, CustomerEvent> {
  /** What the relay routes by and CPace binds (nameplate or ticket), and the PAKE secret. */
  #code: SessionCode;
  #attemptId: string | undefined;
  #technician: TechnicianIdentity | undefined;
  #caseNumber: string | undefined;
  #sessionId: string | undefined;
  #requested: Mode | undefined;
  #mode: Mode | undefined;
  #pendingRequest: Mode | undefined;

  constructor(options: CustomerSessionOptions) {
    let code: SessionCode;
    let attemptId: string | undefined;
    if ('invitation' in options) {
      assertTicket(options.invitation.ticket, 'invitation.ticket');
      assertString(options.invitation.secret, 'invitation.secret', LIMITS.maxPasswordChars, 1);
      assertAttempt(options.invitation.attemptId, 'invitation.attemptId');
      code = { nameplate: options.invitation.ticket, secret: options.invitation.secret };
      attemptId = options.invitation.attemptId;
    } else {
      code = parseCode(options.code);
    }
    super(options, 'customer', CUSTOMER_TRANSITIONS);
    this.#code = code;
    this.#attemptId = attemptId;
  }

  /** The current mode, once accepted. */
  get mode(): Mode | undefined {
    return this.#mode;
  }

  /** The technician as the relay vouches for them, once paired. */
  get technician(): TechnicianIdentity | undefined {
    return this.#technician;
  }

  /** The mode the technician asked for at the start. */
  get requestedMode(): Mode | undefined {
    return this.#requested;
  }

  /** A step-up request waiting for the customer's decision. */
  get pendingRequest(): Mode | undefined {
    return this.#pendingRequest;
  }

  /** Accepts the session with `mode` (at most what was asked) and the details the customer shares. */
  accept(args: { mode: Mode; customer: CustomerDetails }): void {
    assertOneOf(args.mode, 'mode', MODES);
    const customer = parseCustomerDetails(args.customer, 'customer');
    if (this.state !== 'consent' || this.#requested === undefined) {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `nothing to accept in state ${this.state}`);
    }
    if (modeRank(args.mode) > modeRank(this.#requested)) {
      throw new TandemError('TANDEM_ERR_BAD_INPUT', `mode: ${args.mode} is more than the ${this.#requested} asked for`);
    }
    this.to('active');
    this.#mode = args.mode;
    this.sendControl({ type: 'consent', accepted: true, mode: args.mode, customer });
    this.sendSignal({ t: 'consent', customer, mode: args.mode });
    this.emitter.emit({ type: 'mode', mode: args.mode });
  }

  /** Refuses the session; it ends with reason `refused`. */
  async refuse(): Promise<void> {
    if (this.state !== 'consent' || this.#requested === undefined) {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `nothing to refuse in state ${this.state}`);
    }
    this.to('refusing');
    // The encrypted answer goes first, so the technician learns it from the customer, not from the relay.
    await this.sendControlAndWait({ type: 'consent', accepted: false });
    this.sendSignal({ t: 'refuse' });
    await this.finishWith('refused', false);
  }

  /**
   * Answers the pending step-up request. `mode` is the mode the customer was
   * shown: an answer for anything but the request waiting grants nothing.
   */
  decide(mode: Mode, accepted: boolean): void {
    assertOneOf(mode, 'mode', MODES);
    if (this.state !== 'active' || this.#pendingRequest !== mode) {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `no pending request for ${mode}${this.#pendingRequest !== undefined ? ` (the request waiting is for ${this.#pendingRequest})` : ''}`);
    }
    this.#pendingRequest = undefined;
    this.sendControl({ type: 'decision', mode, accepted });
    if (accepted) this.#setMode(mode);
  }

  /** Steps down to a lower mode; the customer can do this at any time. */
  stepDown(mode: Mode): void {
    assertOneOf(mode, 'mode', MODES);
    if (this.state !== 'active' || this.#mode === undefined) {
      throw new TandemError('TANDEM_ERR_PROTOCOL', `cannot change mode in state ${this.state}`);
    }
    if (modeRank(mode) >= modeRank(this.#mode)) {
      throw new TandemError('TANDEM_ERR_BAD_INPUT', `mode: ${mode} is not below the current ${this.#mode}`);
    }
    if (this.#pendingRequest !== undefined && modeRank(this.#pendingRequest) > modeRank(mode)) {
      // Stepping down answers any pending step-up with a refusal.
      this.sendControl({ type: 'decision', mode: this.#pendingRequest, accepted: false });
      this.#pendingRequest = undefined;
    }
    this.#setMode(mode);
  }

  /** Sends a chat message; only while active. */
  sendChat(text: string): void {
    assertString(text, 'text', LIMITS.maxChatChars, 1);
    if (this.state !== 'active') throw new TandemError('TANDEM_ERR_PROTOCOL', `cannot chat in state ${this.state}`);
    this.sendChatText(text);
  }

  #setMode(mode: Mode): void {
    this.#mode = mode;
    this.sendControl({ type: 'mode', mode });
    this.sendSignal({ t: 'mode', mode });
    this.emitter.emit({ type: 'mode', mode });
  }

  protected onRelayOpen(): void {
    // Only the nameplate (or ticket) goes to the relay; the secret never leaves this machine.
    if (this.#attemptId !== undefined) this.sendSignal({ t: 'join', ticket: this.#code.nameplate, attemptId: this.#attemptId });
    else this.sendSignal({ t: 'claim', nameplate: this.#code.nameplate });
  }

  protected onRelaySignal(signal: RelaySignal): void {
    if (signal.t === 'paired') {
      this.expect(['connecting'], 'relay signal "paired"');
      this.to('handshaking');
      this.#technician = signal.technician;
      this.#caseNumber = signal.caseNumber;
      this.#sessionId = signal.sessionId;
      this.startSecure({ secret: utf8(this.#code.secret), nameplate: this.#code.nameplate, sessionId: signal.sessionId });
      return;
    }
    throw new TandemError('TANDEM_ERR_PROTOCOL', `relay sent ${signal.t} in state ${this.state}`);
  }

  protected onSecureOpen(sas: string): void {
    this.to('consent');
    const technician = this.#technician as TechnicianIdentity;
    this.emitter.emit({
      type: 'joined',
      sessionId: this.#sessionId ?? '',
      sas,
      technician,
      ...(this.#caseNumber !== undefined ? { caseNumber: this.#caseNumber } : {}),
    });
  }

  protected onControl(message: ControlMessage): void {
    if (message.type === 'request') {
      this.expect(['consent', 'active'], 'the technician\'s request');
      if (this.state === 'consent' && this.#requested === undefined) {
        this.#requested = message.mode;
        this.emitter.emit({
          type: 'consent-needed',
          technician: this.#technician as TechnicianIdentity,
          mode: message.mode,
          sas: this.sas ?? '',
          ...(this.#caseNumber !== undefined ? { caseNumber: this.#caseNumber } : {}),
        });
        return;
      }
      if (this.state === 'active' && this.#mode !== undefined) {
        if (this.#pendingRequest !== undefined) {
          // One question at a time: a new request never replaces the one the customer is looking at
          // (an "Allow" in flight would grant the swapped-in mode). Refused now, the customer told.
          this.sendControl({ type: 'decision', mode: message.mode, accepted: false });
          this.emitter.emit({ type: 'request-refused', mode: message.mode, pending: this.#pendingRequest });
          return;
        }
        if (modeRank(message.mode) <= modeRank(this.#mode)) {
          // Already granted: answer at once so the technician is not left waiting.
          this.sendControl({ type: 'decision', mode: message.mode, accepted: true });
          return;
        }
        this.#pendingRequest = message.mode;
        this.emitter.emit({ type: 'mode-request', mode: message.mode });
        return;
      }
    }
    throw new TandemError('TANDEM_ERR_PROTOCOL', `technician sent ${message.type} in state ${this.state}`);
  }

  protected onChat(text: string): void {
    this.expect(['active'], 'chat');
    this.emitter.emit({ type: 'chat', text });
  }
}
