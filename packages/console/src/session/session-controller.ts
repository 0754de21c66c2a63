/**
 * Owns the technician's one live session for the whole app, outside React,
 * so moving between pages does not drop it. Pages read its view through
 * {@link SessionController.subscribe} / {@link SessionController.view}.
 */
import { toTandemError, type Mode, type TechnicianSession, type TechnicianSessionOptions } from '@tandem/protocol';
import { saveBlob } from '../api/save-blob.js';
import { ConsoleFiles } from '../files/console-files.js';
import { RfbChannel } from './rfb-channel.js';
import { initialView, isFinished, reduceSession, type SessionAction, type SessionView } from './session-model.js';

/** The RFB stream now running: its number in the session (see {@link SessionView.screen}) and its channel. */
export interface ScreenStream {
  readonly id: number;
  readonly channel: RfbChannel;
}

/** Makes a TechnicianSession; injected so the app decides connect and AEAD. */
export type TechnicianSessionFactory = (options: Pick<TechnicianSessionOptions, 'token' | 'mode' | 'caseNumber' | 'invitation'>) => TechnicianSession;

/** Answering a customer's invitation instead of making a code. */
export interface InvitationAnswer {
  /** The ticket the relay routes by. */
  ticket: string;
  /** The PAKE secret: the customer's password, or the invitation's own secret. */
  secret: string;
  /** Who the invitation is from, shown while the customer's computer answers. */
  customerName: string;
}

/** Starts, drives and ends the technician's session. */
export class SessionController {
  readonly #factory: TechnicianSessionFactory;
  readonly #now: () => number;
  readonly #listeners = new Set<() => void>();
  #session: TechnicianSession | undefined;
  #unsubscribe: (() => void) | undefined;
  #view: SessionView | undefined;
  #screen: ScreenStream | undefined;
  #files: ConsoleFiles | undefined;

  constructor(factory: TechnicianSessionFactory, now: () => number = Date.now) {
    this.#factory = factory;
    this.#now = now;
  }

  /** What the screen shows, or undefined before the first session. Stable between changes. */
  get view(): SessionView | undefined {
    return this.#view;
  }

  /** The screen stream of the current mode, while it is view or control. */
  get screen(): ScreenStream | undefined {
    return this.#screen;
  }

  /** The session's files and system information (files/console-files.ts), from its start until it is cleared. */
  get files(): ConsoleFiles | undefined {
    return this.#files;
  }

  /** True while a session is under way (not yet ended or failed). */
  get live(): boolean {
    return this.#view !== undefined && !isFinished(this.#view);
  }

  /** Subscribes to view changes; returns the unsubscribe function. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /**
   * Starts a new session: a code, or with `invitation` the answer to a
   * customer's invitation. A previous one must have finished.
   */
  start(token: string, mode: Mode, caseNumber?: string, invitation?: InvitationAnswer): void {
    if (this.live) throw new Error('a session is already under way');
    this.#unsubscribe?.();
    const trimmed = caseNumber?.trim() || undefined;
    const session = this.#factory({
      token,
      mode,
      ...(trimmed ? { caseNumber: trimmed } : {}),
      ...(invitation ? { invitation: { ticket: invitation.ticket, secret: invitation.secret } } : {}),
    });
    this.#session = session;
    this.#endScreen();
    this.#files?.close();
    this.#files = new ConsoleFiles(session, { save: saveBlob, now: this.#now });
    this.#view = initialView(mode, trimmed, invitation ? { customerName: invitation.customerName } : undefined);
    this.#unsubscribe = session.onEvent((event) => {
      // Events of a session that was replaced must not touch the new one's view.
      if (this.#session !== session) return;
      // Screen bytes bypass the view: re-rendering the page per chunk would be waste.
      if (event.type === 'rfb') {
        this.#screen?.channel.push(event.data);
        return;
      }
      this.#apply({ type: 'event', event, state: session.state, paired: session.sessionId !== undefined, at: this.#now() });
    });
    this.#emit();
    session.start();
  }

  /** Asks for 10 more minutes on the code. */
  extend(): void {
    this.#session?.extend();
  }

  /** Asks the customer to step up to `mode`. */
  requestMode(mode: Mode): void {
    if (!this.#session) return;
    this.#session.requestMode(mode);
    this.#apply({ type: 'requested', mode, at: this.#now() });
  }

  /** Sends a chat message and logs it as ours. */
  sendChat(text: string): void {
    if (!this.#session) return;
    this.#session.sendChat(text);
    this.#apply({ type: 'sent', text, at: this.#now() });
  }

  /** Ends the session on purpose; resolves once it has ended. */
  async end(): Promise<void> {
    const session = this.#session;
    if (!session || !this.live) return;
    try {
      await session.end();
    } catch (err) {
      // end() failing still leaves the session finished; make sure the view says so.
      if (this.#session === session && this.live) {
        this.#apply({ type: 'event', event: { type: 'failed', error: toTandemError(err) }, state: 'failed', at: this.#now() });
      }
    }
  }

  /** Forgets a finished session so the start form shows again. */
  clear(): void {
    if (this.live) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#session = undefined;
    this.#endScreen();
    this.#files?.close();
    this.#files = undefined;
    this.#view = undefined;
    this.#emit();
  }

  #apply(action: SessionAction): void {
    if (!this.#view) return;
    this.#view = reduceSession(this.#view, action);
    this.#followScreen(this.#view.screen);
    this.#emit();
  }

  /** Keeps one channel per stream the view names: a new number is a fresh RFB stream, none ends it. */
  #followScreen(id: number | undefined): void {
    if (this.#screen?.id === id) return;
    this.#endScreen();
    const session = this.#session;
    if (id === undefined || !session) return;
    const channel = new RfbChannel({
      send: (bytes) => {
        if (session.state !== 'active' || this.#screen?.channel !== channel) return;
        session.sendRfb(bytes).catch(() => {
          // A failed send fails the session itself, which reports it through its own 'failed' event.
        });
      },
    });
    this.#screen = { id, channel };
  }

  #endScreen(): void {
    this.#screen?.channel.end();
    this.#screen = undefined;
  }

  #emit(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
