/**
 * The customer's side of `tandem join` between the session and its user
 * interfaces (the local consent page and the terminal prompts): one view of
 * the session's state, one set of actions, the chat history, the event log.
 * Both interfaces may be live at once (the terminal as a fallback for a
 * browser that did not open); the first answer wins and later ones get a
 * clear error.
 *
 * What the interfaces show moves as a state machine (protocol's
 * StateMachine, {@link JOIN_TRANSITIONS}), driven by the session's events;
 * each action the interfaces ask for checks the state with `expect()`, so an
 * action out of turn is TANDEM_ERR_PROTOCOL, never a move the table forbids.
 */
import {
  assertBoolean,
  assertObject,
  assertOneOf,
  assertString,
  Emitter,
  LIMITS,
  modeRank,
  MODES,
  parseCustomerDetails,
  StateMachine,
  TandemError,
  toTandemError,
  type CustomerEvent,
  type CustomerSession,
  type EndReason,
  type Mode,
  type TechnicianIdentity,
  type Transitions,
} from '@tandem/protocol';
import type { EventLog } from '../system/event-log.js';

/** What the controller needs of the local policy (docs/policy.md): the mode cap, what to show, and whether files and system information may go. */
export interface ConsentPolicy {
  maxMode(requested: Mode): Mode;
  allows(what: 'file-transfer' | 'system-info'): boolean;
  /** Largest file that may be transferred either way, bytes; undefined: no cap. */
  readonly maxFileBytes?: number | undefined;
  restrictions(): { key: string; params: Record<string, string | number>; text: string }[];
}

/** No policy: nothing capped, nothing shown. */
export const NO_POLICY: ConsentPolicy = { maxMode: (mode) => mode, allows: () => true, restrictions: () => [] };

/**
 * Where the session is, as the interfaces show it:
 * - `connecting`: to the relay, then the handshake;
 * - `handshaking`: keys confirmed (the technician is known), the technician's request not yet in;
 * - `consent`: the request is in, the customer's answer awaited;
 * - `active`: accepted, in the mode shown;
 * - `ended`, `failed`: over (terminal).
 */
export type JoinStatus = 'connecting' | 'handshaking' | 'consent' | 'active' | 'ended' | 'failed';

const ANY_END = ['ended', 'failed'] as const;

/** The moves of a {@link JoinStatus}. */
export const JOIN_TRANSITIONS: Transitions<JoinStatus> = {
  connecting: ['handshaking', ...ANY_END],
  handshaking: ['consent', ...ANY_END],
  consent: ['active', ...ANY_END],
  active: [...ANY_END],
  ended: [],
  failed: [],
};

/** What the user interfaces show. */
export interface JoinView {
  status: JoinStatus;
  technician?: TechnicianIdentity;
  /** Mode the technician asked for at the start. */
  requestedMode?: Mode;
  /** The most the customer may grant of it under the local policy. */
  maxMode?: Mode;
  /** What the local policy forbids, for the consent screen (key and params to translate, English text). */
  policy: { key: string; params: Record<string, string | number>; text: string }[];
  sas?: string;
  /** Pre-filled answers for the consent form. */
  defaults: { name: string; customerNumber: string; caseNumber: string; eventLog: boolean };
  /** Current mode once active. */
  mode?: Mode;
  /** A step-up waiting for the customer. */
  pendingRequest?: Mode;
  endReason?: EndReason;
  error?: { code: string; message: string };
}

/** One line of the chat pane; system lines carry a message key for the page to translate. */
export type ChatEntry =
  | { from: 'me' | 'peer'; text: string }
  | { from: 'system'; key: string; params?: Record<string, string> };

/** Changes the interfaces hear about. */
export type JoinUpdate = { type: 'view'; view: JoinView } | { type: 'chat'; entry: ChatEntry };

/** Options of {@link JoinController}. */
export interface JoinControllerOptions {
  session: CustomerSession;
  relayUrl: string;
  /** From the command line and the OS account. */
  defaults: { name: string; customerNumber?: string; caseNumber?: string; eventLog?: boolean };
  eventLog: EventLog;
  /** The local policy; none by default. */
  policy?: ConsentPolicy;
  /** Hears every move of the view's status: for diagnostics, and for the tests that check every transition is taken. */
  onTransition?: (from: JoinStatus, to: JoinStatus) => void;
}

/** The consent form's answer. */
export interface AcceptAnswer {
  name: string;
  customerNumber: string;
  caseNumber: string;
  mode: Mode;
  eventLog: boolean;
}

/** Validates an accept request from the page. */
export function parseAcceptAnswer(body: unknown): AcceptAnswer {
  assertObject(body, 'accept');
  const customer = parseCustomerDetails(body, 'accept');
  assertOneOf(body.mode, 'accept.mode', MODES);
  assertBoolean(body.eventLog, 'accept.eventLog');
  return { name: customer.name.trim(), customerNumber: customer.customerNumber.trim(), caseNumber: customer.caseNumber.trim(), mode: body.mode, eventLog: body.eventLog };
}

/** Holds the state the interfaces show and carries their actions to the session. */
export class JoinController {
  readonly #session: CustomerSession;
  readonly #relayUrl: string;
  readonly #log: EventLog;
  readonly #policy: ConsentPolicy;
  readonly #updates = new Emitter<JoinUpdate>();
  readonly #chat: ChatEntry[] = [];
  readonly #machine: StateMachine<JoinStatus>;
  #view: JoinView;
  #sessionId = '';

  constructor(options: JoinControllerOptions) {
    this.#session = options.session;
    this.#relayUrl = options.relayUrl;
    this.#log = options.eventLog;
    this.#policy = options.policy ?? NO_POLICY;
    this.#machine = new StateMachine({ name: 'join', initial: 'connecting', transitions: JOIN_TRANSITIONS, onTransition: options.onTransition });
    this.#view = {
      status: this.#machine.state,
      policy: this.#policy.restrictions().map((r) => ({ key: r.key, params: r.params, text: r.text })),
      defaults: {
        name: options.defaults.name,
        customerNumber: options.defaults.customerNumber ?? '',
        caseNumber: options.defaults.caseNumber ?? '',
        eventLog: options.defaults.eventLog ?? false,
      },
    };
    this.#session.onEvent((event) => this.#onEvent(event));
  }

  /** The current view. */
  get view(): JoinView {
    return this.#view;
  }

  /** The chat so far (kept in memory only, for a page that reconnects). */
  get chat(): readonly ChatEntry[] {
    return this.#chat;
  }

  /** Subscribes to updates. */
  onUpdate(listener: (update: JoinUpdate) => void): () => void {
    return this.#updates.on(listener);
  }

  /** Accepts the session. */
  accept(answer: AcceptAnswer): void {
    this.#machine.expect(['consent'], 'accepting the session');
    if (this.#view.requestedMode === undefined) throw new TandemError('TANDEM_ERR_PROTOCOL', 'the technician has not asked yet');
    if (modeRank(answer.mode) > modeRank(this.#view.requestedMode)) {
      throw new TandemError('TANDEM_ERR_BAD_INPUT', `mode: ${answer.mode} is more than the ${this.#view.requestedMode} asked for`);
    }
    // The local policy caps what can be granted, whatever the customer clicked or typed.
    const mode = this.#policy.maxMode(answer.mode);
    if (mode !== answer.mode) this.#pushChat({ from: 'system', key: 'system.policyCapped', params: { mode: answer.mode } });
    this.#session.accept({ mode, customer: { name: answer.name, customerNumber: answer.customerNumber, caseNumber: answer.caseNumber } });
    if (answer.eventLog) this.#log.enable();
    this.#log.started(this.#sessionId, this.#view.technician as TechnicianIdentity, mode, this.#relayUrl);
  }

  /** Refuses the session. */
  refuse(): void {
    this.#machine.expect(['consent'], 'refusing the session');
    // A refusal that cannot be sent still ends the session: failing it is what the page and the terminal show.
    this.#session.refuse().catch((err: unknown) => this.#session.fail(toTandemError(err)));
  }

  /**
   * Answers the pending step-up. `mode` is the mode the customer was shown
   * and answered: if another request is waiting now, nothing is granted.
   */
  decide(mode: Mode, accepted: boolean): void {
    assertOneOf(mode, 'mode', MODES);
    this.#machine.expect(['active'], 'answering a mode request');
    const pending = this.#view.pendingRequest;
    if (pending === undefined) throw new TandemError('TANDEM_ERR_PROTOCOL', 'no mode request is waiting');
    if (pending !== mode) {
      throw new TandemError('TANDEM_ERR_CONFLICT', `the answer was for "${mode}", but the request waiting is for "${pending}": nothing was granted; answer the request shown now`);
    }
    this.#view = withoutPending(this.#view);
    this.#session.decide(mode, accepted);
    this.#pushChat({ from: 'system', key: accepted ? 'system.allowed' : 'system.denied', params: { mode } });
    this.#publish();
  }

  /** Steps down to `mode`. */
  stepDown(mode: Mode): void {
    this.#machine.expect(['active'], 'stepping down');
    this.#session.stepDown(mode);
    if (this.#view.pendingRequest !== undefined && modeRank(this.#view.pendingRequest) > modeRank(mode)) {
      this.#view = withoutPending(this.#view);
      this.#publish();
    }
  }

  /** Steps down one level (control → view → chat). */
  stepDownOne(): void {
    const mode = this.#view.mode;
    if (mode === undefined || mode === 'chat') throw new TandemError('TANDEM_ERR_PROTOCOL', 'already in chat-only mode');
    this.stepDown(MODES[modeRank(mode) - 1] as Mode);
  }

  /** Takes back control (the desktop hotkey `key`, as people read it): control → view; nothing in other modes. */
  takeBackControl(key = 'Ctrl+Alt+Shift+S'): void {
    if (!this.#machine.is('active') || this.#view.mode !== 'control') return;
    this.stepDown('view');
    this.#pushChat({ from: 'system', key: 'system.hotkey', params: { key } });
  }

  /** Adds a system line to the chat pane (`key` is a page message key under system.*). */
  notice(key: string, params?: Record<string, string>): void {
    this.#pushChat({ from: 'system', key, ...(params !== undefined ? { params } : {}) });
  }

  /** Sends a chat message. */
  sendChat(text: string): void {
    assertString(text, 'text', LIMITS.maxChatChars, 1);
    this.#machine.expect(['active'], 'chat');
    this.#session.sendChat(text);
    this.#pushChat({ from: 'me', text });
  }

  /**
   * Ends the session (customer-ended) and resolves when it has. Never
   * rejects: the session's own `ended` (or `failed`) event is what reports
   * how it ended, to the page, the terminal and the log alike.
   */
  async end(): Promise<void> {
    await this.#session.end().catch((err: unknown) => this.#session.fail(toTandemError(err)));
  }

  /** {@link end} from a click, a key or a signal, which cannot wait for it. */
  endNow(): void {
    this.end().catch((err: unknown) => this.#session.fail(toTandemError(err)));
  }

  /** Moves the status to `next` (the table refuses any other move as our bug) and shows it. */
  #to(next: JoinStatus): void {
    this.#machine.to(next);
    this.#view = { ...this.#view, status: next };
  }

  #onEvent(event: CustomerEvent): void {
    switch (event.type) {
      case 'joined':
        this.#sessionId = event.sessionId;
        this.#to('handshaking');
        this.#view = {
          ...this.#view,
          technician: event.technician,
          sas: event.sas,
          defaults: event.caseNumber && !this.#view.defaults.caseNumber ? { ...this.#view.defaults, caseNumber: event.caseNumber } : this.#view.defaults,
        };
        break;
      case 'consent-needed':
        this.#to('consent');
        this.#view = { ...this.#view, technician: event.technician, requestedMode: event.mode, maxMode: this.#policy.maxMode(event.mode), sas: event.sas };
        break;
      case 'mode-request':
        if (this.#policy.maxMode(event.mode) !== event.mode) {
          // Forbidden by the local policy: refused at once, the customer is never asked.
          this.#session.decide(event.mode, false);
          this.#pushChat({ from: 'system', key: 'system.policyDenied', params: { mode: event.mode } });
          break;
        }
        this.#view = { ...this.#view, pendingRequest: event.mode };
        this.#pushChat({ from: 'system', key: 'system.request', params: { mode: event.mode } });
        break;
      case 'request-refused':
        // The session refused it already; the pending request the customer sees stays as it was.
        this.#pushChat({ from: 'system', key: 'system.requestRefused', params: { mode: event.mode, pending: event.pending } });
        break;
      case 'mode': {
        const first = !this.#machine.is('active');
        if (first) this.#to('active');
        this.#view = { ...this.#view, mode: event.mode };
        if (!first) this.#log.modeChanged(this.#sessionId, event.mode);
        this.#pushChat({ from: 'system', key: first ? 'system.started' : 'system.mode', params: { mode: event.mode } });
        break;
      }
      case 'chat':
        this.#pushChat({ from: 'peer', text: event.text });
        break;
      case 'ended':
        this.#to('ended');
        this.#view = { ...withoutPending(this.#view), endReason: event.reason };
        this.#log.disconnected(this.#sessionId, this.#view.technician, event.reason);
        this.#pushChat({ from: 'system', key: 'system.ended', params: { reason: event.reason } });
        break;
      case 'failed':
        this.#to('failed');
        this.#view = { ...withoutPending(this.#view), error: { code: event.error.code, message: event.error.message } };
        this.#log.disconnected(this.#sessionId, this.#view.technician, event.error.code);
        break;
    }
    this.#publish();
  }

  #pushChat(entry: ChatEntry): void {
    this.#chat.push(entry);
    this.#updates.emit({ type: 'chat', entry });
  }

  #publish(): void {
    this.#updates.emit({ type: 'view', view: this.#view });
  }
}

function withoutPending(view: JoinView): JoinView {
  const { pendingRequest, ...rest } = view;
  void pendingRequest;
  return rest;
}
