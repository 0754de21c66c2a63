/**
 * The page's state: what the agent last sent (the code-entry screen, the
 * session's view, the chat, this invitation and the invitation rows), what
 * the page did with it (the consent form filled in once, the end asked to be
 * confirmed) and what went wrong (the last action's problem, warnings). One
 * object, made at start and passed to every part; it changes only through
 * its methods.
 */
import type { ActionProblem } from './actions-client.js';
import type { EntryProblem, EntryView } from './code-entry.js';
import type { ChatEntry, FileQuestion, FilesUpdate, InvitationRow, InvitationSelf, InvitationsUpdate, PageView } from './wire.js';

/** What went wrong last: an action the agent refused or did not answer, or an event the page cannot read. */
export type PageProblem = ActionProblem | { kind: 'bad-event'; message: string };

/** The page's screens: the code box, the invitations of `tandem invite`, or the session (consent, running, over). */
export type Screen = 'entry' | 'invitations' | 'session';

/** A chat line and when it was recorded (ms since the epoch), if the page knows. */
export interface ChatLine {
  entry: ChatEntry;
  at?: number;
}

/** The same line: a replay of the chat after a reconnect resends the lines the page has, in order. */
function sameEntry(a: ChatEntry, b: ChatEntry): boolean {
  if (a.from === 'system') return b.from === 'system' && a.key === b.key && JSON.stringify(a.params) === JSON.stringify(b.params);
  return b.from !== 'system' && a.from === b.from && a.text === b.text;
}

/** A transfer's speed is shown once the page has watched it this long (ms): a shorter count says little. */
export const SPEED_AFTER_MS = 1000;

/** A question's identity: system-information and file questions are numbered apart (file-desk.ts). */
function questionKey(q: FileQuestion): string {
  return `${q.kind === 'sysinfo' ? 'sysinfo' : 'file'}:${q.id}`;
}

/** The view before the agent's first event. */
function initialView(): PageView {
  return { status: 'connecting', policy: [], defaults: { name: '', customerNumber: '', caseNumber: '', eventLog: false } };
}

/** Everything the page shows, in one place. */
export class PageState {
  #view: PageView = initialView();
  #sessionSeen = false;
  #entry: EntryView | undefined;
  /** True while the code box is what the agent shows: its last word was `entry`, not `state`. */
  #entryShown = false;
  /** What the code box says of the code typed last (the page's check, or the agent's refusal of it). */
  #entryProblem: EntryProblem | undefined;
  #chat: ChatLine[] = [];
  /** The chat before the last reset: a line resent at the same place keeps its time. */
  #previousChat: ChatLine[] = [];
  /** True from a reset until the replay that follows it is in: lines new in it were recorded before the page knew. */
  #replaying = false;
  #formFilled = false;
  #confirmingEnd = false;
  #self: InvitationSelf | undefined;
  #rows: InvitationRow[] = [];
  /** The agent's clock minus the browser's, ms: time left is counted by the agent's clock. */
  #clockOffset = 0;
  #problem: PageProblem | undefined;
  #warnings: string[] = [];
  /** A downloaded agent's choice to remove its file when done; undefined: the agent does not offer it. */
  #removal: boolean | undefined;
  /** The session's file and system-information questions and transfers (the `files` event). */
  #files: FilesUpdate = { folder: '', questions: [], transfers: [] };
  /** When the page first saw each transfer under way, and how far it was then. */
  readonly #transferSeen = new Map<number, { at: number; bytes: number }>();
  /** Questions answered on this page that the agent may still list (its `files` events come at most every 200 ms). */
  readonly #answered = new Set<string>();

  /** The file questions waiting and the transfers under way, as the agent has them. */
  get files(): FilesUpdate {
    return this.#files;
  }

  /** The questions still to answer, oldest first: those the agent has, less those answered here since its last word. */
  get questions(): FileQuestion[] {
    return this.#files.questions.filter((q) => !this.#answered.has(questionKey(q)));
  }

  /** The customer answered `q` on this page: it is not asked again while the agent's next `files` event is on its way. */
  markAnswered(q: FileQuestion): void {
    this.#answered.add(questionKey(q));
  }

  /** The agent's `files` event, seen at `now` (ms): a transfer new to the page starts its speed count there. */
  setFiles(files: FilesUpdate, now: number): void {
    this.#files = files;
    const waiting = new Set(files.questions.map(questionKey));
    for (const key of this.#answered) if (!waiting.has(key)) this.#answered.delete(key);
    const ids = new Set(files.transfers.map((t) => t.id));
    for (const id of this.#transferSeen.keys()) if (!ids.has(id)) this.#transferSeen.delete(id);
    for (const t of files.transfers) if (!this.#transferSeen.has(t.id)) this.#transferSeen.set(t.id, { at: now, bytes: t.bytes });
  }

  /**
   * Bytes per second of transfer `id` at `now`, counted from when the page
   * first saw it; undefined until it has run {@link SPEED_AFTER_MS} here.
   */
  transferSpeed(id: number, now: number): number | undefined {
    const first = this.#transferSeen.get(id);
    const t = this.#files.transfers.find((x) => x.id === id);
    if (first === undefined || t === undefined || now - first.at < SPEED_AFTER_MS) return undefined;
    return ((t.bytes - first.bytes) * 1000) / (now - first.at);
  }

  /** The removal choice as the agent has it, or undefined when it is not offered. */
  get removal(): boolean | undefined {
    return this.#removal;
  }

  /** The removal choice as the agent has it now (its `remove-when-done` event). */
  setRemoval(on: boolean): void {
    this.#removal = on;
  }

  /** The session's view (the agent's JoinView). */
  get view(): PageView {
    return this.#view;
  }

  /** The chat so far, oldest first, as the agent recorded it. */
  get chat(): readonly ChatLine[] {
    return this.#chat;
  }

  /** The code-entry screen's last state (contract 3), if the agent showed one. */
  get entry(): EntryView | undefined {
    return this.#entry;
  }

  /** The code box's own problem, if any. */
  get entryProblem(): EntryProblem | undefined {
    return this.#entryProblem;
  }

  /** Which screen the page shows. */
  get screen(): Screen {
    if (this.#entry !== undefined && this.#entryShown) return 'entry';
    return this.showsInvitations ? 'invitations' : 'session';
  }

  /** True while the customer is asked to confirm the end of the session. */
  get confirmingEnd(): boolean {
    return this.#confirmingEnd && this.#view.status === 'active';
  }

  /** This invitation (`tandem invite` only). */
  get self(): InvitationSelf | undefined {
    return this.#self;
  }

  /** The invitations of this computer. */
  get rows(): readonly InvitationRow[] {
    return this.#rows;
  }

  /** True once the agent has said anything of a session, a code box or an invitation. */
  get heard(): boolean {
    return this.#sessionSeen || this.#entry !== undefined || this.#self !== undefined;
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
    // The code box comes back after a failed attempt: the agent goes on.
    if (this.#entryShown) return false;
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
    this.#entryShown = false;
  }

  /** The code-entry screen, shown again (first, or after a failed attempt). */
  setEntry(entry: EntryView): void {
    this.#entry = entry;
    this.#entryShown = true;
  }

  /** The code box's own problem: set by the page's check or the agent's answer, cleared by the next attempt. */
  setEntryProblem(problem: EntryProblem | undefined): void {
    this.#entryProblem = problem;
  }

  /** The chat starts again: the agent resends it in full, then {@link endReplay}. */
  resetChat(): void {
    if (this.#chat.length > 0) this.#previousChat = this.#chat;
    this.#chat = [];
    this.#replaying = true;
  }

  /** The replay after a reset is in: lines from now on are live. */
  endReplay(): void {
    this.#replaying = false;
    this.#previousChat = [];
  }

  /**
   * One more chat line, received at `now`: its time is the agent's when it
   * says, the time it had when the page saw it before a reconnect, the time
   * it arrived when it is live, and unknown when it is new in a replay (the
   * page was opened or reloaded after it was written).
   */
  addChat(entry: ChatEntry, now: number): void {
    const before = this.#previousChat[this.#chat.length];
    let at = entry.at;
    if (at === undefined && before !== undefined && sameEntry(before.entry, entry)) at = before.at;
    if (at === undefined && !this.#replaying) at = now;
    this.#chat.push(at === undefined ? { entry } : { entry, at });
  }

  /** The customer asked to end (true) or changed their mind (false). */
  setConfirmingEnd(asking: boolean): void {
    this.#confirmingEnd = asking;
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
