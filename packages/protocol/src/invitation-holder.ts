/**
 * The customer's agent holding an invitation's ticket on one relay: it keeps
 * a connection open (outbound only) so technicians can reach the customer,
 * and hears of each attempt. The agent decides every attempt with its own
 * clock and policy: it declines, or opens a {@link CustomerSession} that
 * joins it (docs/protocol.md, "Invitations").
 *
 * States: idle → connecting → holding → closed | failed. Every transition is
 * checked by one StateMachine (state-machine.ts); every teardown goes through
 * {@link InvitationHolder.fail} or {@link InvitationHolder.close}.
 */
import type { Mode } from './constants.js';
import { Emitter } from './emitter.js';
import { StateMachine, type Transitions } from './state-machine.js';
import { TandemError, toTandemError, type TandemErrorCode } from './errors.js';
import { RelayConnection, type WebSocketFactory } from './relay-connection.js';
import { normaliseRelayOrigin } from './relay-origin.js';
import { assertTicket, type RelaySignal, type TechnicianIdentity } from './relay-messages.js';

/** States of a holder. */
export type InvitationHolderState = 'idle' | 'connecting' | 'holding' | 'closed' | 'failed';

/** The moves of an {@link InvitationHolderState}. */
export const INVITATION_HOLDER_TRANSITIONS: Transitions<InvitationHolderState> = {
  idle: ['connecting', 'closed', 'failed'],
  connecting: ['holding', 'closed', 'failed'],
  holding: ['closed', 'failed'],
  closed: [],
  failed: [],
};

/** An attempt a technician makes on the held ticket. */
export interface InvitationAttempt {
  attemptId: string;
  technician: TechnicianIdentity;
  mode: Mode;
  caseNumber?: string;
}

/** Events of a holder; the last one is `closed` or `failed`. */
export type InvitationHolderEvent =
  | { type: 'holding'; relay: string }
  | ({ type: 'attempt'; relay: string } & InvitationAttempt)
  | { type: 'closed' }
  | { type: 'failed'; error: TandemError };

/** Options of a holder. */
export interface InvitationHolderOptions {
  relayUrl: string;
  ticket: string;
  connect: WebSocketFactory;
  /** Hears every move of the holder's state: for diagnostics, and for the tests that check every transition is taken. */
  onTransition?: (from: InvitationHolderState, to: InvitationHolderState) => void;
}

/** Holds one ticket on one relay. */
export class InvitationHolder {
  readonly #emitter = new Emitter<InvitationHolderEvent>();
  readonly #options: InvitationHolderOptions;
  readonly #origin: string;
  #relay: RelayConnection | undefined;
  readonly #machine: StateMachine<InvitationHolderState>;

  constructor(options: InvitationHolderOptions) {
    assertTicket(options.ticket, 'ticket');
    this.#origin = normaliseRelayOrigin(options.relayUrl);
    this.#options = options;
    this.#machine = new StateMachine({ name: 'invitation holder', initial: 'idle', transitions: INVITATION_HOLDER_TRANSITIONS, onTransition: options.onTransition });
  }

  /** The relay's origin. */
  get relay(): string {
    return this.#origin;
  }

  /** The current state. */
  get state(): InvitationHolderState {
    return this.#machine.state;
  }

  /** Subscribes to events; returns a function that unsubscribes. */
  onEvent(listener: (event: InvitationHolderEvent) => void): () => void {
    return this.#emitter.on(listener);
  }

  /** Connects and holds the ticket. */
  start(): void {
    this.#machine.to('connecting');
    try {
      this.#relay = new RelayConnection(this.#options.relayUrl, this.#options.connect, {
        open: () => this.#relay?.sendSignal({ t: 'hold', ticket: this.#options.ticket }),
        signal: (signal) => this.#guard(() => this.#onSignal(signal)),
        binary: () => this.fail(new TandemError('TANDEM_ERR_PROTOCOL', 'relay sent end-to-end data on a holding connection')),
        closed: (info) => {
          if (this.#machine.final) return;
          this.fail(
            info.opened
              ? new TandemError('TANDEM_ERR_PEER_LOST', `The connection to the relay ${this.#origin} closed (${info.code}).`)
              : new TandemError('TANDEM_ERR_RELAY_UNREACHABLE', `Could not connect to the relay at ${this.#origin}.`),
          );
        },
        invalid: (error) => this.fail(error),
      });
    } catch (err) {
      this.fail(toTandemError(err, 'TANDEM_ERR_RELAY_UNREACHABLE'));
    }
  }

  /** Declines an attempt: the technician gets `code` and `message`; the ticket stays held. */
  decline(attemptId: string, code: TandemErrorCode, message: string): void {
    if (this.#machine.state !== 'holding') return;
    this.#relay?.sendSignal({ t: 'decline', attemptId, code, message: message.slice(0, 1000) });
  }

  /** Stops holding: the relay drops the ticket. */
  close(): void {
    if (this.#machine.final) return;
    this.#machine.to('closed');
    this.#relay?.close(1000, 'released');
    this.#emitter.emit({ type: 'closed' });
  }

  /** Fails once: the one teardown path for errors. */
  fail(error: TandemError): void {
    if (this.#machine.final) return;
    this.#machine.to('failed');
    this.#relay?.close(error.closeCode >= 4000 ? error.closeCode : 1000, error.code);
    this.#emitter.emit({ type: 'failed', error });
  }

  #guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fail(toTandemError(err, 'TANDEM_ERR_PROTOCOL'));
    }
  }

  #onSignal(signal: RelaySignal): void {
    if (this.#machine.final) return;
    switch (signal.t) {
      case 'holding':
        this.#machine.expect(['connecting'], 'relay signal "holding"');
        if (signal.ticket !== this.#options.ticket) throw new TandemError('TANDEM_ERR_PROTOCOL', 'relay sent holding for another ticket');
        this.#machine.to('holding');
        this.#emitter.emit({ type: 'holding', relay: this.#origin });
        return;
      case 'attempt': {
        this.#machine.expect(['holding'], 'relay signal "attempt"');
        const { t: _t, ...attempt } = signal;
        this.#emitter.emit({ type: 'attempt', relay: this.#origin, ...attempt });
        return;
      }
      case 'error':
        this.fail(new TandemError(signal.code, signal.message));
        return;
      default:
        break;
    }
    throw new TandemError('TANDEM_ERR_PROTOCOL', `relay sent ${signal.t} to an invitation holder in state ${this.#machine.state}`);
  }
}
