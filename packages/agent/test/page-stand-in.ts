/**
 * A stand-in agent behind the real page server (ConsentServer, its launch
 * link and cookie, the built page): the test says what the agent sends and
 * answers the page's actions, so that every screen of the page (code entry,
 * consent, the session, its end, the invitations) can be shown and driven
 * in Chromium without a relay. It plays the agent's side of the page's
 * contracts exactly as the agent does: a page that (re)connects gets
 * `reset` and then the current events; every change is broadcast.
 *
 * `npm run build` first: the page's scripts are served from dist/page.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConsentServer, pageFiles, type ServerEvent } from '../src/pages/consent-server.js';
import { i18nextBrowserModule } from '../src/pages/page-paths.js';

const PAGE_DIR = join(import.meta.dirname, '../page');
const SCRIPTS_DIR = join(import.meta.dirname, '../dist/page');

/** One action the page posted. */
export interface PostedAction {
  name: string;
  body: unknown;
}

/** Answers one action: its result is the JSON answer; throw a TandemError to refuse it. */
export type ActionAnswer = (name: string, body: unknown) => unknown;

/** A session view as the agent sends it (the agent's JoinView), with the fields every view has filled in. */
export function view(fields: Record<string, unknown>): Record<string, unknown> {
  return { policy: [], defaults: { name: '', customerNumber: '', caseNumber: '', eventLog: false }, ...fields };
}

/** The page served by a ConsentServer whose events and answers the test decides. */
export class PageStandIn {
  readonly #server: ConsentServer;
  readonly #posted: PostedAction[];
  #events: ServerEvent[] = [];
  #answer: ActionAnswer = () => ({});

  private constructor(server: ConsentServer, posted: PostedAction[]) {
    this.#server = server;
    this.#posted = posted;
  }

  /** Starts the page server on 127.0.0.1; `open` the {@link url} in a browser. */
  static async start(): Promise<PageStandIn> {
    if (!existsSync(join(SCRIPTS_DIR, 'app.js'))) throw new Error('the page is not built: run "npm run build" first');
    const posted: PostedAction[] = [];
    // The server calls back into the stand-in, which needs the server: the one is made, then the other.
    const ref: { standIn?: PageStandIn } = {};
    const server = await ConsentServer.start({
      files: pageFiles(PAGE_DIR, SCRIPTS_DIR, i18nextBrowserModule()),
      snapshot: () => [{ event: 'reset', data: {} }, ...(ref.standIn === undefined ? [] : ref.standIn.#events)],
      action: (name, body) => {
        posted.push({ name, body });
        return ref.standIn === undefined ? {} : ref.standIn.#answer(name, body);
      },
    });
    const standIn = new PageStandIn(server, posted);
    ref.standIn = standIn;
    return standIn;
  }

  /** The page's one-time launch link. */
  get url(): string {
    return this.#server.url;
  }

  /** Every action the page posted so far, oldest first. */
  get posted(): readonly PostedAction[] {
    return this.#posted;
  }

  /** The actions named `name` the page posted so far. */
  postedOf(name: string): PostedAction[] {
    return this.#posted.filter((a) => a.name === name);
  }

  /** How the agent answers the page's actions from now on. */
  answer(answer: ActionAnswer): void {
    this.#answer = answer;
  }

  /** Sends `event` to the page, and to every page that connects later. */
  send(event: ServerEvent): void {
    this.#events.push(event);
    this.#server.broadcast(event);
  }

  /** Starts over with `events`: the connected pages get `reset` and them, as after a reconnect. */
  replace(events: ServerEvent[]): void {
    this.#events = [...events];
    this.#server.broadcast({ event: 'reset', data: {} });
    for (const event of events) this.#server.broadcast(event);
  }

  /** Closes the page server (the page then finds the agent gone). */
  async close(): Promise<void> {
    await this.#server.close();
  }
}
