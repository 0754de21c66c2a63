/**
 * The local page of `tandem invite` (issue 4, point 2): served from the
 * start, with the same one-time link, cookie, Host and Origin rules as the
 * consent page (consent-server.ts). Before a technician's handshake it shows "Open
 * invitations": every open invitation on this computer, read from the store
 * every second, each with an "Expire now" button (`POST api/expire-invitation`,
 * the same effect as `tandem expire ID`). Once an attempt passes the
 * handshake, the same page carries that session's consent view and actions
 * (customer-run.ts calls {@link InvitationPage.show}); after the session, or
 * when this invitation expires, the page says so.
 *
 * Events on the stream: `invitation` (this invitation's phase), `invitations`
 * (the rows and this computer's time), then `state`/`chat` as the consent
 * page has them.
 */
import { TandemError, assertObject, assertString } from '@tandem/protocol';
import type { Clock } from '@tandem/node-client';
import { ConsentServer, pageFiles, type ServerEvent } from './consent-server.js';
import { invitationRows, type InvitationRow } from '../invitations/invitation-rows.js';
import { expireInvitation, holderAlive, type InvitationStore } from '../invitations/invitation-store.js';
import { agentPageDir, agentPageScriptsDir, i18nextBrowserModule } from './page-paths.js';
import { pageAction } from './page-actions.js';
import { followSession, sessionEvents, type PageSession } from './session-feed.js';

/** How often the store is read for the list, ms (the issue: within a second). */
const REFRESH_MS = 1000;

/** Where this invitation stands, for the page's status line. */
export type InvitationPhase = 'connecting' | 'holding' | 'retrying' | 'session' | 'lapsed' | 'expired' | 'used' | 'stopped';

/** This invitation's phase as the page gets it. */
export interface InvitationSelf {
  id: string;
  phase: InvitationPhase;
  /** The relay it is held on (phase `holding`). */
  relay?: string;
}

/** Options of {@link InvitationPage.start}. */
export interface InvitationPageOptions {
  store: InvitationStore;
  /** The invitation of this `tandem invite`. */
  id: string;
  clock: Clock;
  /** Problems reading the store (a damaged record), once each. */
  onBadRecord?: (error: TandemError) => void;
  /** The page's one-time launch link was used again (consent-server.ts). */
  onLaunchReused?: () => void;
  /** A program of another user tried to reach the page (consent-server.ts). */
  onForeignUser?: () => void;
}

/** The page server of one `tandem invite`. */
export class InvitationPage {
  readonly #server: ConsentServer;
  readonly #opts: InvitationPageOptions;
  readonly #seen = new Set<string>();
  readonly #reported = new Set<string>();
  #rows: InvitationRow[] = [];
  #rowsJson = '';
  #self: InvitationSelf;
  #session: PageSession | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  private constructor(server: ConsentServer, opts: InvitationPageOptions) {
    this.#server = server;
    this.#opts = opts;
    this.#self = { id: opts.id, phase: 'connecting' };
  }

  /** Starts serving on 127.0.0.1 and reading the store every second. */
  static async start(opts: InvitationPageOptions): Promise<InvitationPage> {
    // The server calls back only for requests, which come after the page exists.
    const ref: { page?: InvitationPage } = {};
    const server = await ConsentServer.start({
      files: pageFiles(agentPageDir(), agentPageScriptsDir(), i18nextBrowserModule()),
      ...(opts.onLaunchReused !== undefined ? { onLaunchReused: opts.onLaunchReused } : {}),
      ...(opts.onForeignUser !== undefined ? { onForeignUser: opts.onForeignUser } : {}),
      snapshot: () => (ref.page as InvitationPage).#snapshot(),
      action: (name, body) => (ref.page as InvitationPage).#action(name, body),
    });
    const page = new InvitationPage(server, opts);
    ref.page = page;
    page.refresh();
    page.#timer = setInterval(() => page.refresh(), REFRESH_MS);
    return page;
  }

  /** The page's one-time launch link. */
  get url(): string {
    return this.#server.url;
  }

  /** Number of pages connected to the event stream. */
  get connectedPages(): number {
    return this.#server.connectedPages;
  }

  /** Re-reads the store; sends the rows when they changed. */
  refresh(): void {
    const records = this.#opts.store.list((err) => {
      if (this.#reported.has(err.message)) return;
      this.#reported.add(err.message);
      this.#opts.onBadRecord?.(err);
    });
    const rows = invitationRows(records, this.#opts.clock(), holderAlive, this.#opts.id, this.#seen);
    const json = JSON.stringify(rows);
    if (json === this.#rowsJson) return;
    this.#rows = rows;
    this.#rowsJson = json;
    this.#server.broadcast(this.#rowsEvent());
  }

  /** Sets this invitation's phase (and the relay holding it). */
  setPhase(phase: InvitationPhase, relay?: string): void {
    this.#self = { id: this.#opts.id, phase, ...(relay !== undefined ? { relay } : {}) };
    this.#server.broadcast({ event: 'invitation', data: this.#self });
    this.refresh();
  }

  /** Shows a session that passed the handshake: its view, chat and actions; returns what stops that. */
  show(session: PageSession): () => void {
    this.#session = session;
    this.#self = { id: this.#opts.id, phase: 'session' };
    this.#server.broadcast({ event: 'invitation', data: this.#self });
    this.#server.broadcast({ event: 'reset', data: {} });
    for (const event of sessionEvents(session)) this.#server.broadcast(event);
    // The session's last view stays on the page: only live updates stop.
    return followSession(session, (event) => this.#server.broadcast(event));
  }

  /** Stops reading the store, closes the event streams and the server. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#server.close();
  }

  #rowsEvent(): ServerEvent {
    return { event: 'invitations', data: { now: this.#opts.clock(), rows: this.#rows } };
  }

  #snapshot(): ServerEvent[] {
    const events: ServerEvent[] = [{ event: 'reset', data: {} }, { event: 'invitation', data: this.#self }, this.#rowsEvent()];
    if (this.#session !== undefined) events.push(...sessionEvents(this.#session));
    return events;
  }

  #action(name: string, body: unknown): unknown {
    if (name === 'expire-invitation') {
      assertObject(body, name);
      assertString(body.id, 'expire-invitation.id', 12, 12);
      const outcome = expireInvitation(this.#opts.store, body.id);
      this.refresh();
      if (outcome === 'used') throw new TandemError('TANDEM_ERR_CONFLICT', `invitation ${body.id} was already used; nothing to expire`);
      return { id: body.id, outcome };
    }
    if (this.#session === undefined) throw new TandemError('TANDEM_ERR_PROTOCOL', `not possible now: no technician has connected yet (${name})`);
    return pageAction(this.#session, name, body);
  }
}
