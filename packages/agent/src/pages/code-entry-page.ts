/**
 * The local page of an agent started without a code (a downloaded agent
 * double-clicked, or `tandem join` without CODE): served before any session
 * exists, with the same one-time link, cookie, Host and Origin rules as the
 * consent page (consent-server.ts). It shows the code-entry screen (issue 9,
 * contract 3):
 *
 * - event `entry`, `{ helpDesk?, relay, busy, error?, report? }`: the stamped help
 *   desk's name, the relay the agent will contact, whether a code is being
 *   tried (the page disables the box), the last attempt's failure, and
 *   the diagnostic report's text when the relay could not be reached, and
 *   `proxyAuth` when a proxy asked for a user name and password;
 * - action `POST api/proxy-credentials` with `{ username, password }`: for
 *   that proxy, kept in the agent's memory only (never written anywhere),
 *   used from the next attempt on;
 * - action `POST api/code` with `{ "code": "123 45678" }`: checked with
 *   protocol's `parseCode` (TANDEM_ERR_BAD_INPUT for a malformed code), then
 *   handed to the agent, which answers `{}` once the attempt starts.
 *
 * Once an attempt passed the handshake, the same page carries that session's
 * consent view and actions ({@link CodeEntryPage.show}), as the consent page
 * has them; after the session there is no way back to the code box.
 */
import { TandemError, assertObject, assertString, parseCode } from '@tandem/protocol';
import { ConsentServer, pageFiles, type ServerEvent } from './consent-server.js';
import { agentPageDir, agentPageScriptsDir, i18nextBrowserModule } from './page-paths.js';
import { pageAction } from './page-actions.js';
import { followSession, sessionEvents, type PageSession } from './session-feed.js';
import { removalAction, removalEvent } from './removal-page.js';
import type { RemovalChoice } from '../system/removal-choice.js';

/** What the code-entry screen shows (the `entry` event's data). */
export interface CodeEntryView {
  helpDesk?: string;
  relay: string;
  busy: boolean;
  error?: { code: string; message: string };
  /** The diagnostic report's text after the relay could not be reached (the page offers "Save report" and "Copy"). */
  report?: string;
  /** A proxy (`host:port`) asked for Basic credentials: the page asks for them (`POST api/proxy-credentials`). */
  proxyAuth?: { proxy: string };
}

/** Longest proxy user name and password the page may send, characters. */
const MAX_PROXY_CREDENTIAL = 256;

/** The longest code text the page may send (digits with spaces or dashes between them). */
const MAX_CODE_TEXT = 32;

/** Options of {@link CodeEntryPage.start}. */
export interface CodeEntryPageOptions {
  /** The first view (not busy, no error). */
  view: CodeEntryView;
  /** A well-formed code was typed: starts the attempt, or throws (TANDEM_ERR_PROTOCOL when one is running). */
  onCode(code: string): void;
  /** Credentials typed for the proxy that asked (kept in memory only); throws when no proxy asked. */
  onProxyCredentials?: (username: string, password: string) => void;
  /** A downloaded agent's choice to remove its file when done. */
  removal?: RemovalChoice;
  /** The page's one-time launch link was used again (consent-server.ts). */
  onLaunchReused?: () => void;
  /** A program of another user tried to reach the page (consent-server.ts). */
  onForeignUser?: () => void;
}

/** The page server of an agent that asks for the code. */
export class CodeEntryPage {
  readonly #server: ConsentServer;
  readonly #opts: CodeEntryPageOptions;
  #view: CodeEntryView;
  #session: PageSession | undefined;

  private constructor(server: ConsentServer, opts: CodeEntryPageOptions) {
    this.#server = server;
    this.#opts = opts;
    this.#view = opts.view;
  }

  /** Starts serving on 127.0.0.1. */
  static async start(opts: CodeEntryPageOptions): Promise<CodeEntryPage> {
    // The server calls back only for requests, which come after the page exists.
    const ref: { page?: CodeEntryPage } = {};
    const server = await ConsentServer.start({
      files: pageFiles(agentPageDir(), agentPageScriptsDir(), i18nextBrowserModule()),
      ...(opts.onLaunchReused !== undefined ? { onLaunchReused: opts.onLaunchReused } : {}),
      ...(opts.onForeignUser !== undefined ? { onForeignUser: opts.onForeignUser } : {}),
      snapshot: () => (ref.page as CodeEntryPage).#snapshot(),
      action: (name, body) => (ref.page as CodeEntryPage).#action(name, body),
    });
    const page = new CodeEntryPage(server, opts);
    ref.page = page;
    const removal = opts.removal;
    removal?.onChange(() => server.broadcast(removalEvent(removal)));
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

  /** Shows the code-entry screen as `view` says (busy while trying, the error after a failed attempt). */
  setEntry(view: CodeEntryView): void {
    this.#view = view;
    this.#server.broadcast({ event: 'entry', data: view });
  }

  /** Shows a session that passed the handshake: its view, chat and actions; returns what stops the live updates. */
  show(session: PageSession): () => void {
    this.#session = session;
    this.#server.broadcast({ event: 'reset', data: {} });
    for (const event of sessionEvents(session)) this.#server.broadcast(event);
    return followSession(session, (event) => this.#server.broadcast(event));
  }

  /** Closes the event streams and the server. */
  close(): Promise<void> {
    return this.#server.close();
  }

  #snapshot(): ServerEvent[] {
    const removal = this.#opts.removal;
    const events: ServerEvent[] = [{ event: 'reset', data: {} }, ...(removal !== undefined ? [removalEvent(removal)] : [])];
    if (this.#session !== undefined) events.push(...sessionEvents(this.#session));
    else events.push({ event: 'entry', data: this.#view });
    return events;
  }

  #action(name: string, body: unknown): unknown {
    const removal = this.#opts.removal;
    if (removal !== undefined && removalAction(removal, name, body)) return {};
    if (name === 'code' && this.#session === undefined) {
      assertObject(body, name);
      assertString(body.code, 'code', MAX_CODE_TEXT, 1);
      parseCode(body.code);
      this.#opts.onCode(body.code);
      return {};
    }
    if (name === 'proxy-credentials' && this.#session === undefined && this.#opts.onProxyCredentials !== undefined) {
      assertObject(body, name);
      assertString(body.username, 'proxy-credentials.username', MAX_PROXY_CREDENTIAL, 1);
      assertString(body.password, 'proxy-credentials.password', MAX_PROXY_CREDENTIAL);
      this.#opts.onProxyCredentials(body.username, body.password);
      return {};
    }
    if (this.#session === undefined) throw new TandemError('TANDEM_ERR_PROTOCOL', `not possible now: no session yet (${name})`);
    if (name === 'code') throw new TandemError('TANDEM_ERR_PROTOCOL', 'not possible now: a session is already running');
    return pageAction(this.#session, name, body);
  }
}
