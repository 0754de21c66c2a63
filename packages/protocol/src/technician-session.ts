/**
 * The technician's side of a session (console and scriptable client):
 * sign-in token → code → handshake → request → the customer's consent →
 * active, with step-up requests and chat.
 *
 * States: idle → connecting → authenticating → waiting (code shown) →
 * handshaking (customer claimed it) → consent (keys confirmed, request sent)
 * → active → ended | failed.
 */
import { assertOneOf, assertString } from './assert.js';
import { LIMITS, MODES, modeRank, type EndReason, type Mode } from './constants.js';
import { TandemError } from './errors.js';
import type { Transitions } from './state-machine.js';
import { PeerSession, type BaseState, type PeerSessionOptions, type RfbEvent } from './peer-session.js';
import { assertTicket, type CustomerDetails, type RelaySignal } from './relay-messages.js';
import { formatCode, makeSecret } from './session-code.js';
import type { ControlMessage } from './session-messages.js';
import { utf8 } from './bytes.js';

/** States of the technician's session. */
export type TechnicianState = BaseState | 'authenticating' | 'waiting' | 'handshaking' | 'consent' | 'active';

const ANY_END = ['ended', 'failed'] as const;

/** The moves of a {@link TechnicianState}. */
export const TECHNICIAN_TRANSITIONS: Transitions<TechnicianState> = {
  idle: ['connecting', ...ANY_END],
  connecting: ['authenticating', ...ANY_END],
  authenticating: ['waiting', 'handshaking', ...ANY_END],
  waiting: ['handshaking', ...ANY_END],
  handshaking: ['consent', ...ANY_END],
  consent: ['active', ...ANY_END],
  active: [...ANY_END],
  ended: [],
  failed: [],
};

/** Options of a technician's session. */
export interface TechnicianSessionOptions extends PeerSessionOptions {
  /** Bearer token from `POST /api/auth/login`. */
  token: string;
  /** The mode asked for at the start. */
  mode: Mode;
  caseNumber?: string;
  /**
   * Answer a customer's invitation instead of making a code: its ticket (the
   * relay routes by it) and its PAKE secret (the password the customer gave by
   * phone, or the invitation's own secret when it has no password).
   */
  invitation?: { ticket: string; secret: string };
}

/** Events of a technician's session; the last one is `ended` or `failed`. */
export type TechnicianEvent =
  | { type: 'code'; code: string; nameplate: string; expiresAt: number }
  | { type: 'extended'; expiresAt: number }
  | { type: 'joined'; sessionId: string; sas: string }
  | { type: 'accepted'; mode: Mode; customer: CustomerDetails }
  | { type: 'refused' }
  | { type: 'decision'; mode: Mode; accepted: boolean }
  | { type: 'mode'; mode: Mode }
  | { type: 'chat'; text: string }
  | RfbEvent
  | { type: 'ended'; reason: EndReason }
  | { type: 'failed'; error: TandemError };

/** The technician's side of one session. */
export class TechnicianSession extends PeerSession<TechnicianState, TechnicianEvent> {
  #options: TechnicianSessionOptions;
  #secret: string | undefined;
  #nameplate: string | undefined;
  #sessionId: string | undefined;
  #mode: Mode | undefined;
  #pendingRequest: Mode | undefined;

  constructor(options: TechnicianSessionOptions) {
    assertString(options.token, 'token', 256, 1);
    assertOneOf(options.mode, 'mode', MODES);
    if (options.caseNumber !== undefined) assertString(options.caseNumber, 'caseNumber', LIMITS.maxNumberChars);
    if (options.invitation !== undefined) {
      assertTicket(options.invitation.ticket, 'invitation.ticket');
      assertString(options.invitation.secret, 'invitation.secret', LIMITS.maxPasswordChars, 1);
    }
    super(options, 'technician', TECHNICIAN_TRANSITIONS);
    this.#options = options;
  }

  /** The mode the customer granted, once active. */
  get mode(): Mode | undefined {
    return this.#mode;
  }

  /** The relay's session id once paired. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** Asks the relay for 10 more minutes; only while the code waits. */
  extend(): void {
    if (this.state !== 'waiting') throw new TandemError('TANDEM_ERR_PROTOCOL', `cannot extend in state ${this.state}`);
    this.sendSignal({ t: 'extend' });
  }

  /** Asks the customer to step up to `mode`. */
  requestMode(mode: Mode): void {
    assertOneOf(mode, 'mode', MODES);
    if (this.state !== 'active') throw new TandemError('TANDEM_ERR_PROTOCOL', `cannot request a mode in state ${this.state}`);
    this.#pendingRequest = mode;
    this.sendControl({ type: 'request', mode });
  }

  /** Sends a chat message; only while active. */
  sendChat(text: string): void {
    assertString(text, 'text', LIMITS.maxChatChars, 1);
    if (this.state !== 'active') throw new TandemError('TANDEM_ERR_PROTOCOL', `cannot chat in state ${this.state}`);
    this.sendChatText(text);
  }

  protected onRelayOpen(): void {
    this.to('authenticating');
    this.sendSignal({ t: 'auth', token: this.#options.token });
  }

  protected onRelaySignal(signal: RelaySignal): void {
    const now = this.options.now ?? Date.now;
    switch (signal.t) {
      case 'ready': {
        this.expect(['authenticating'], 'relay signal "ready"');
        const invitation = this.#options.invitation;
        if (invitation !== undefined) {
          // An invitation: the customer waits; answer its ticket, with the invitation's secret as PRS.
          this.#nameplate = invitation.ticket;
          this.#secret = invitation.secret;
          const answer = { t: 'answer' as const, ticket: invitation.ticket, mode: this.#options.mode };
          this.sendSignal(this.#options.caseNumber ? { ...answer, caseNumber: this.#options.caseNumber } : answer);
          return;
        }
        const allocate = this.#options.caseNumber
          ? { t: 'allocate' as const, mode: this.#options.mode, caseNumber: this.#options.caseNumber }
          : { t: 'allocate' as const, mode: this.#options.mode };
        this.sendSignal(allocate);
        return;
      }
      case 'allocated': {
        this.expect(['authenticating'], 'relay signal "allocated"');
        this.to('waiting');
        this.#nameplate = signal.nameplate;
        this.#secret = makeSecret(this.options.random);
        const code = formatCode({ nameplate: signal.nameplate, secret: this.#secret });
        // Show expiry on the local clock: the relay's clock decides, ours may be off.
        const expiresAt = now() + (signal.expiresAt - signal.serverTime);
        this.emitter.emit({ type: 'code', code, nameplate: signal.nameplate, expiresAt });
        return;
      }
      case 'extended':
        this.expect(['waiting'], 'relay signal "extended"');
        this.emitter.emit({ type: 'extended', expiresAt: now() + (signal.expiresAt - signal.serverTime) });
        return;
      case 'paired':
        this.expect(['waiting', 'authenticating'], 'relay signal "paired"');
        // Authenticating, only an invitation's answer (sent on `ready`) can be paired; a code must be allocated first.
        if (this.#secret === undefined || this.#nameplate === undefined) {
          throw new TandemError('TANDEM_ERR_PROTOCOL', `relay sent paired before ${this.#options.invitation !== undefined ? 'the answer' : 'a code was allocated'}`);
        }
        this.to('handshaking');
        this.#sessionId = signal.sessionId;
        this.startSecure({ secret: utf8(this.#secret), nameplate: this.#nameplate, sessionId: signal.sessionId });
        return;
    }
    throw new TandemError('TANDEM_ERR_PROTOCOL', `relay sent ${signal.t} in state ${this.state}`);
  }

  protected onSecureOpen(sas: string): void {
    this.to('consent');
    this.emitter.emit({ type: 'joined', sessionId: this.#sessionId ?? '', sas });
    this.sendControl({ type: 'request', mode: this.#options.mode });
  }

  protected onControl(message: ControlMessage): void {
    switch (message.type) {
      case 'consent':
        this.expect(['consent'], 'the customer\'s consent');
        if (!message.accepted) {
          this.emitter.emit({ type: 'refused' });
          this.fail(new TandemError('TANDEM_ERR_REFUSED'));
          return;
        }
        if (modeRank(message.mode) > modeRank(this.#options.mode)) {
          throw new TandemError('TANDEM_ERR_PROTOCOL', `customer granted ${message.mode}, more than the ${this.#options.mode} asked for`);
        }
        this.to('active');
        this.#mode = message.mode;
        this.emitter.emit({ type: 'accepted', mode: message.mode, customer: message.customer });
        return;
      case 'decision':
        this.expect(['active'], 'the customer\'s decision');
        if (this.#pendingRequest === message.mode) this.#pendingRequest = undefined;
        this.emitter.emit({ type: 'decision', mode: message.mode, accepted: message.accepted });
        return;
      case 'mode':
        this.expect(['active'], 'the customer\'s mode');
        this.#mode = message.mode;
        this.emitter.emit({ type: 'mode', mode: message.mode });
        return;
      case 'request':
        break;
    }
    throw new TandemError('TANDEM_ERR_PROTOCOL', `customer sent ${message.type} in state ${this.state}`);
  }

  protected onChat(text: string): void {
    this.expect(['active'], 'chat');
    this.emitter.emit({ type: 'chat', text });
  }
}
