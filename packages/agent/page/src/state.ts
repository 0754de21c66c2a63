/**
 * The page's state: what the agent last sent (the session's view, the chat,
 * this invitation and the invitation rows), what the page did with it (the
 * consent form filled in once) and what went wrong (the last action's
 * problem, warnings). One object, made at start and passed to every part;
 * it changes only through its methods.
 */
import type { ActionProblem } from './actions-client.js';
import type { ChatEntry, EntryView, InvitationRow, InvitationSelf, InvitationsUpdate, PageView } from './wire.js';

/** What went wrong last: an action the agent refused or did not answer, or an event the page cannot read. */
export type PageProblem = ActionProblem | { kind: 'bad-event'; message: string };

/** The view before the agent's first event. */
function initialView(): PageView {
  return { status: 'connecting', policy: [], defaults: { name: '', customerNumber: '', caseNumber: '', eventLog: false } };
}

/** Everything the page shows, in one place. */
export class PageState {
  #view: PageView = initialView();
  #sessionSeen = false;
  #chat: ChatEntry[] = [];
  #formFilled = false;
  #self: InvitationSelf | undefined;
  #rows: InvitationRow[] = [];
  /** The agent's clock minus the browser's, ms: time left is counted by the agent's clock. */
  #clockOffset = 0;
  #problem: PageProblem | undefined;
  #warnings: string[] = [];
  #entry: EntryView | undefined;
  #removal: boolean | undefined;

  /** The code-entry screen's view, while the agent asks for the code. */
  get entry(): EntryView | undefined {
    return this.#entry;
  }

  /** True while the page is the code-entry screen: the agent asks for the code, no session yet. */
  get showsEntry(): boolean {
    return this.#entry !== undefined && !this.#sessionSeen;
  }

  /** A downloaded agent's choice to remove its file when done; undefined: not offered. */
  get removal(): boolean | undefined {
    return this.#removal;
  }

  /** The code-entry screen as the agent shows it now. */
  setEntry(entry: EntryView): void {
    this.#entry = entry;
  }

  /** The removal choice as the agent has it now. */
  setRemoval(on: boolean): void {
    this.#removal = on;
  }

  /** The session's view (the agent's JoinView). */
  get view(): PageView {
    return this.#view;
  }

  /** The chat so far. */
  get chat(): readonly ChatEntry[] {
    return this.#chat;
  }

  /** This invitation (`tandem invite` only). */
  get self(): InvitationSelf | undefined {
    return this.#self;
  }

  /** The invitations of this computer. */
  get rows(): readonly InvitationRow[] {
    return this.#rows;
  }

  /** True while the page is the invitations page: served by `tandem invite`, no session yet. */
  get showsInvitations(): boolean {
    return this.#self !== undefined && !this.#sessionSeen;
  }

  /** True once the consent form has its defaults (they are filled in once, never over the customer's typing). */
  get formFilled(): boolean {
    return this.#formFilled;
  }

  /** The last problem, if any. */
  get problem(): PageProblem | undefined {
    return this.#problem;
  }

  /** Warning keys about the page itself (`warnings.*`), each once. */
  get warnings(): readonly string[] {
    return this.#warnings;
  }

  /** True once the agent will send nothing more (the session or this invitation is over). */
  get finished(): boolean {
    if (this.#sessionSeen) return this.#view.status === 'ended' || this.#view.status === 'failed';
    return this.#self?.phase === 'expired' || this.#self?.phase === 'stopped';
  }

  /** Now by the agent's clock, ms since the epoch. */
  agentNow(): number {
    return Date.now() + this.#clockOffset;
  }

  /** A new session view (the first one ends the invitations page). */
  setView(view: PageView): void {
    this.#view = view;
    this.#sessionSeen = true;
  }

  /** The chat starts again (the agent resends it in full). */
  resetChat(): void {
    this.#chat = [];
  }

  /** One more chat line. */
  addChat(entry: ChatEntry): void {
    this.#chat.push(entry);
  }

  /** This invitation's phase. */
  setSelf(self: InvitationSelf): void {
    this.#self = self;
  }

  /** The invitation rows, with the agent's clock at the time. */
  setRows(update: InvitationsUpdate): void {
    this.#clockOffset = update.now - Date.now();
    this.#rows = update.rows;
  }

  /** The consent form has its defaults now. */
  markFormFilled(): void {
    this.#formFilled = true;
  }

  /** The last outcome: a problem, or none. */
  setProblem(problem: PageProblem | undefined): void {
    this.#problem = problem;
  }

  /** A warning about the page (kept once per key). */
  addWarning(key: string): void {
    if (!this.#warnings.includes(key)) this.#warnings.push(key);
  }
}
