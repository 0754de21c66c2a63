/**
 * Keeps an invitation's ticket held on one of its relays (issue 4, point 2
 * and 7): tries the relay addresses in the listed order, each within the
 * relay timeout; holds on the first that answers; when that connection
 * drops, moves on to the next (wrapping round); when a whole round fails,
 * reports every relay and why, then retries with exponential backoff while
 * the invitation is open. Outbound connections only.
 *
 * States: idle → connecting → holding → (connecting | backoff) … → stopped.
 * Every transition is checked by one state machine (protocol's
 * StateMachine); teardown goes through {@link TicketKeeper.stop}.
 */
import { InvitationHolder, StateMachine, TandemError, type InvitationAttempt, type InvitationRelay, type Transitions } from '@tandem/protocol';
import { createRelaySocketFactory, relayTimeoutError, type ConnectionTrace, type RelayFailure, type RelaySocketFactory, type RouteFinder } from '@tandem/node-client';

/** States of a keeper. */
export type TicketKeeperState = 'idle' | 'connecting' | 'holding' | 'backoff' | 'stopped';

/** The moves of a {@link TicketKeeperState}. */
export const TICKET_KEEPER_TRANSITIONS: Transitions<TicketKeeperState> = {
  idle: ['connecting', 'stopped'],
  connecting: ['holding', 'connecting', 'backoff', 'stopped'],
  holding: ['connecting', 'stopped'],
  backoff: ['connecting', 'stopped'],
  stopped: [],
};

/** First and longest wait between rounds, ms. */
export const TICKET_KEEPER_BACKOFF = { firstMs: 1000, maxMs: 60_000 } as const;

/** Options of {@link TicketKeeper}. */
export interface TicketKeeperOptions {
  ticket: string;
  relays: readonly InvitationRelay[];
  timeoutMs: number;
  /** The routes to each relay (proxies) and where attempts are recorded; without, directly. */
  routes?: { routes: RouteFinder; trace: ConnectionTrace };
  /** Now holding on `relay`. */
  onHolding(relay: string): void;
  /** The holding connection to `relay` dropped; moving on. */
  onDropped(relay: string, error: TandemError): void;
  /** A technician's attempt arrived through `holder`. */
  onAttempt(holder: InvitationHolder, attempt: InvitationAttempt): void;
  /** Every relay failed in one round; the next round starts after `retryInMs`. */
  onAllFailed(failures: RelayFailure[], retryInMs: number): void;
  /** The sockets to one relay: pinned TLS by default ({@link createRelaySocketFactory}); tests pass a relay in memory. */
  sockets?: (relay: InvitationRelay) => RelaySocketFactory;
  /** The wait between rounds: doubles from `firstMs` up to `maxMs` (default {@link TICKET_KEEPER_BACKOFF}). */
  backoff?: { firstMs: number; maxMs: number };
  /** Hears every move of the keeper's state: for diagnostics, and for the tests that check every transition is taken. */
  onTransition?: (from: TicketKeeperState, to: TicketKeeperState) => void;
}

/** Holds a ticket on the first relay of a list that works. */
export class TicketKeeper {
  readonly #opts: TicketKeeperOptions;
  readonly #machine: StateMachine<TicketKeeperState>;
  readonly #backoff: { firstMs: number; maxMs: number };
  #index = 0;
  #round: RelayFailure[] = [];
  #backoffMs: number;
  #holder: InvitationHolder | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(opts: TicketKeeperOptions) {
    if (opts.relays.length === 0) throw new TandemError('TANDEM_ERR_BAD_INPUT', 'relays: at least one is needed');
    this.#opts = opts;
    this.#machine = new StateMachine({ name: 'ticket keeper', initial: 'idle', transitions: TICKET_KEEPER_TRANSITIONS, onTransition: opts.onTransition });
    this.#backoff = opts.backoff ?? TICKET_KEEPER_BACKOFF;
    this.#backoffMs = this.#backoff.firstMs;
  }

  /** The current state. */
  get state(): TicketKeeperState {
    return this.#machine.state;
  }

  /** Starts with the first relay. */
  start(): void {
    this.#connect();
  }

  /** Releases the ticket (the relay drops it) and stops for good. */
  stop(): void {
    if (this.#machine.state === 'stopped') return;
    this.#machine.to('stopped');
    this.#clearTimer();
    this.#holder?.close();
    this.#holder = undefined;
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #connect(): void {
    this.#machine.to('connecting');
    const relay = this.#opts.relays[this.#index] as InvitationRelay;
    const sockets = this.#opts.sockets?.(relay) ?? createRelaySocketFactory({ relayUrl: relay.url, fingerprint: relay.fingerprint, routes: this.#opts.routes?.routes, trace: this.#opts.routes?.trace });
    const holder = new InvitationHolder({ relayUrl: relay.url, ticket: this.#opts.ticket, connect: sockets.connect });
    this.#holder = holder;
    this.#timer = setTimeout(() => holder.fail(relayTimeoutError(relay.url, this.#opts.timeoutMs)), this.#opts.timeoutMs);
    holder.onEvent((event) => {
      if (this.#holder !== holder || this.#machine.state === 'stopped') return;
      switch (event.type) {
        case 'holding':
          this.#clearTimer();
          this.#round = [];
          this.#backoffMs = this.#backoff.firstMs;
          this.#machine.to('holding');
          this.#opts.onHolding(holder.relay);
          return;
        case 'attempt': {
          const { type: _type, relay: _relay, ...attempt } = event;
          this.#opts.onAttempt(holder, attempt);
          return;
        }
        case 'closed':
          return;
        case 'failed': {
          this.#clearTimer();
          const precise = sockets.connectError();
          const error = event.error.code === 'TANDEM_ERR_RELAY_UNREACHABLE' && precise ? precise : event.error;
          // The current holder failed: the keeper is `holding` exactly when this one had held the ticket.
          this.#relayFailed(relay.url, error, this.#machine.is('holding'));
          return;
        }
      }
    });
    holder.start();
  }

  #relayFailed(relay: string, error: TandemError, held: boolean): void {
    this.#holder = undefined;
    this.#index = (this.#index + 1) % this.#opts.relays.length;
    if (held) {
      // It worked until now: a new round, starting with the next relay.
      this.#opts.onDropped(relay, error);
      this.#round = [];
      this.#connect();
      return;
    }
    this.#round.push({ relay, error });
    if (this.#round.length < this.#opts.relays.length) {
      this.#connect();
      return;
    }
    const wait = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.#backoff.maxMs);
    const failures = this.#round;
    this.#round = [];
    this.#machine.to('backoff');
    this.#opts.onAllFailed(failures, wait);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#machine.state === 'backoff') this.#connect();
    }, wait);
  }
}
