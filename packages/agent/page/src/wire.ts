/**
 * What the agent sends the page on its event stream, as the page reads it.
 * The types mirror the agent's own (session/join-controller.ts `JoinView`
 * and `ChatEntry`, pages/invitation-page.ts `InvitationSelf`,
 * invitations/invitation-rows.ts `InvitationRow`; wire.test.ts keeps them in
 * step), and every event is checked here before the page uses it: a page
 * that shows consent must not guess at what it was sent.
 */

/** The session modes, lowest first (protocol's MODES). */
export const MODES = ['chat', 'view', 'control'] as const;
/** A session mode. */
export type Mode = (typeof MODES)[number];

/** What the customer is asked besides modes (session/file-desk.ts `FileQuestion`'s `kind`). */
export const QUESTION_KINDS = ['offer', 'request', 'sysinfo'] as const;
/** The directions of a transfer, from this computer's side. */
export const DIRECTIONS = ['send', 'receive'] as const;

/** Where the session stands (JoinView's `status`). */
export const STATUSES = ['connecting', 'handshaking', 'consent', 'active', 'ended', 'failed'] as const;
/** One of {@link STATUSES}. */
export type Status = (typeof STATUSES)[number];

/** Where this invitation of `tandem invite` stands (invitation-page.ts `InvitationPhase`). */
export const INVITATION_PHASES = ['connecting', 'holding', 'retrying', 'session', 'lapsed', 'expired', 'used', 'stopped'] as const;
/** One of {@link INVITATION_PHASES}. */
export type InvitationPhase = (typeof INVITATION_PHASES)[number];

/** A row's state in the invitations list. */
export const ROW_STATES = ['open', 'held', 'expired', 'used'] as const;
/** One of {@link ROW_STATES}. */
export type RowState = (typeof ROW_STATES)[number];

/** Why an expired row is expired. */
export const ROW_REASONS = ['expired-by-customer', 'too-many-wrong-passwords', 'lapsed'] as const;
/** One of {@link ROW_REASONS}. */
export type RowReason = (typeof ROW_REASONS)[number];

/** The technician as the relay vouches for them. */
export interface Technician {
  username: string;
  displayName: string;
  team: string;
}

/** One restriction of the local policy: a catalogue key, its parameters, the English text. */
export interface PolicyLine {
  key: string;
  params: Record<string, string | number>;
  text: string;
}

/** An error as the agent reports it: a stable `TANDEM_ERR_*` code and an English message. */
export interface AgentError {
  code: string;
  message: string;
}

/** The session's view (the agent's JoinView). */
export interface PageView {
  status: Status;
  technician?: Technician;
  requestedMode?: Mode;
  maxMode?: Mode;
  policy: PolicyLine[];
  sas?: string;
  defaults: { name: string; customerNumber: string; caseNumber: string; eventLog: boolean };
  mode?: Mode;
  pendingRequest?: Mode;
  endReason?: string;
  error?: AgentError;
}

/**
 * One line of the chat pane; system lines carry a catalogue key. `at` (ms
 * since the epoch, the agent's clock) is when the agent recorded the line,
 * when it says; otherwise the page shows when it received the line.
 */
export type ChatEntry = ({ from: 'me' | 'peer'; text: string } | { from: 'system'; key: string; params?: Record<string, string> }) & { at?: number };

/** This invitation's phase (`tandem invite` only). */
export interface InvitationSelf {
  id: string;
  phase: InvitationPhase;
  relay?: string;
}

/** One invitation of this computer, as the list shows it. */
export interface InvitationRow {
  id: string;
  customerName: string;
  passwordProtected: boolean;
  start: number;
  expiresAt: number;
  relays: string[];
  state: RowState;
  reason?: RowReason;
  holder?: { pid: number; relay?: string };
  wrongAttempts: number;
  maxWrong: number;
  current: boolean;
}

/** The `invitations` event: the rows and the agent's clock when it read them. */
export interface InvitationsUpdate {
  now: number;
  rows: InvitationRow[];
}

/** A downloaded agent's choice to remove its file when done (removal-page.ts). */
export interface RemovalUpdate {
  on: boolean;
}

/** A warning about the page itself (its launch link used again: `warnings.launchReused`). */
export interface PageWarning {
  key: string;
}

/** A file or system-information question waiting for the customer (file-desk.ts `FileQuestion`). */
export type FileQuestion =
  | { kind: 'offer'; id: number; name: string; size: number; from: string; folder: string }
  | { kind: 'request'; id: number; path: string; from: string }
  | { kind: 'sysinfo'; id: number; from: string };

/** A transfer under way (file-desk.ts `FileProgress`). */
export interface FileTransfer {
  id: number;
  direction: (typeof DIRECTIONS)[number];
  name: string;
  bytes: number;
  size: number;
}

/** The `files` event (pages/session-feed.ts): where files go, the questions waiting (the first is asked), the transfers. */
export interface FilesUpdate {
  folder: string;
  questions: FileQuestion[];
  transfers: FileTransfer[];
}

/** What the agent sent does not have the expected shape. */
export class WireError extends Error {
  /** `what` names the field, `problem` says what is wrong with it. */
  constructor(what: string, problem: string) {
    super(`${what}: ${problem}`);
    this.name = 'WireError';
  }
}

/** An object as read off the wire: its fields, not yet checked. */
export type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` as an object's fields; `what` names it in the error. */
export function fields(value: unknown, what: string): Fields {
  if (!isFields(value)) throw new WireError(what, 'must be an object');
  return value;
}

/** `value` as a string. */
export function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new WireError(what, 'must be a string');
  return value;
}

function count(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new WireError(what, 'must be a number');
  return value;
}

/** `value` as true or false. */
export function flag(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new WireError(what, 'must be true or false');
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new WireError(what, `must be one of ${allowed.join(', ')}`);
  return found;
}

function list<T>(value: unknown, what: string, item: (v: unknown, what: string) => T): T[] {
  if (!Array.isArray(value)) throw new WireError(what, 'must be a list');
  return value.map((v: unknown, i) => item(v, `${what}[${i}]`));
}

/** Copies `from[key]` through `decode` into `to` when present (optional fields stay absent, not undefined). */
export function maybe<T extends object, K extends keyof T & string>(to: T, key: K, from: Fields, decode: (v: unknown, what: string) => T[K], what: string): void {
  const value = from[key];
  if (value !== undefined) to[key] = decode(value, `${what}.${key}`);
}

function stringParams(value: unknown, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields(value, what))) out[k] = text(v, `${what}.${k}`);
  return out;
}

function policyParams(value: unknown, what: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(fields(value, what))) out[k] = typeof v === 'number' ? count(v, `${what}.${k}`) : text(v, `${what}.${k}`);
  return out;
}

const mode = (v: unknown, what: string): Mode => oneOf(v, MODES, what);

function technician(value: unknown, what: string): Technician {
  const f = fields(value, what);
  return { username: text(f.username, `${what}.username`), displayName: text(f.displayName, `${what}.displayName`), team: text(f.team, `${what}.team`) };
}

function policyLine(value: unknown, what: string): PolicyLine {
  const f = fields(value, what);
  return { key: text(f.key, `${what}.key`), params: policyParams(f.params, `${what}.params`), text: text(f.text, `${what}.text`) };
}

/** Reads an error answer or a view's error: `{ code, message }`. */
export function decodeAgentError(value: unknown, what = 'error'): AgentError {
  const f = fields(value, what);
  return { code: text(f.code, `${what}.code`), message: text(f.message, `${what}.message`) };
}

/** Reads a `state` event. */
export function decodeView(value: unknown): PageView {
  const f = fields(value, 'state');
  const d = fields(f.defaults, 'state.defaults');
  const view: PageView = {
    status: oneOf(f.status, STATUSES, 'state.status'),
    policy: list(f.policy, 'state.policy', policyLine),
    defaults: {
      name: text(d.name, 'state.defaults.name'),
      customerNumber: text(d.customerNumber, 'state.defaults.customerNumber'),
      caseNumber: text(d.caseNumber, 'state.defaults.caseNumber'),
      eventLog: flag(d.eventLog, 'state.defaults.eventLog'),
    },
  };
  maybe(view, 'technician', f, technician, 'state');
  maybe(view, 'requestedMode', f, mode, 'state');
  maybe(view, 'maxMode', f, mode, 'state');
  maybe(view, 'sas', f, text, 'state');
  maybe(view, 'mode', f, mode, 'state');
  maybe(view, 'pendingRequest', f, mode, 'state');
  maybe(view, 'endReason', f, text, 'state');
  maybe(view, 'error', f, decodeAgentError, 'state');
  return view;
}

/** Reads a `chat` event. */
export function decodeChat(value: unknown): ChatEntry {
  const f = fields(value, 'chat');
  const from = oneOf(f.from, ['me', 'peer', 'system'] as const, 'chat.from');
  let entry: ChatEntry;
  if (from !== 'system') entry = { from, text: text(f.text, 'chat.text') };
  else {
    entry = { from, key: text(f.key, 'chat.key') };
    if (f.params !== undefined) entry.params = stringParams(f.params, 'chat.params');
  }
  maybe(entry, 'at', f, count, 'chat');
  return entry;
}

/** Reads an `invitation` event. */
export function decodeSelf(value: unknown): InvitationSelf {
  const f = fields(value, 'invitation');
  const self: InvitationSelf = { id: text(f.id, 'invitation.id'), phase: oneOf(f.phase, INVITATION_PHASES, 'invitation.phase') };
  maybe(self, 'relay', f, text, 'invitation');
  return self;
}

function holder(value: unknown, what: string): { pid: number; relay?: string } {
  const f = fields(value, what);
  const h: { pid: number; relay?: string } = { pid: count(f.pid, `${what}.pid`) };
  maybe(h, 'relay', f, text, what);
  return h;
}

function row(value: unknown, what: string): InvitationRow {
  const f = fields(value, what);
  const r: InvitationRow = {
    id: text(f.id, `${what}.id`),
    customerName: text(f.customerName, `${what}.customerName`),
    passwordProtected: flag(f.passwordProtected, `${what}.passwordProtected`),
    start: count(f.start, `${what}.start`),
    expiresAt: count(f.expiresAt, `${what}.expiresAt`),
    relays: list(f.relays, `${what}.relays`, text),
    state: oneOf(f.state, ROW_STATES, `${what}.state`),
    wrongAttempts: count(f.wrongAttempts, `${what}.wrongAttempts`),
    maxWrong: count(f.maxWrong, `${what}.maxWrong`),
    current: flag(f.current, `${what}.current`),
  };
  maybe(r, 'reason', f, (v, w) => oneOf(v, ROW_REASONS, w), what);
  maybe(r, 'holder', f, holder, what);
  return r;
}

/** Reads an `invitations` event. */
export function decodeInvitations(value: unknown): InvitationsUpdate {
  const f = fields(value, 'invitations');
  return { now: count(f.now, 'invitations.now'), rows: list(f.rows, 'invitations.rows', row) };
}

/** Reads a `remove-when-done` event. */
export function decodeRemoval(value: unknown): RemovalUpdate {
  return { on: flag(fields(value, 'remove-when-done').on, 'remove-when-done.on') };
}

/** Reads a `warning` event. */
export function decodeWarning(value: unknown): PageWarning {
  return { key: text(fields(value, 'warning').key, 'warning.key') };
}

function question(value: unknown, what: string): FileQuestion {
  const f = fields(value, what);
  const id = count(f.id, `${what}.id`);
  const from = text(f.from, `${what}.from`);
  switch (oneOf(f.kind, QUESTION_KINDS, `${what}.kind`)) {
    case 'offer':
      return { kind: 'offer', id, from, name: text(f.name, `${what}.name`), size: count(f.size, `${what}.size`), folder: text(f.folder, `${what}.folder`) };
    case 'request':
      return { kind: 'request', id, from, path: text(f.path, `${what}.path`) };
    case 'sysinfo':
      return { kind: 'sysinfo', id, from };
  }
}

function transfer(value: unknown, what: string): FileTransfer {
  const f = fields(value, what);
  return {
    id: count(f.id, `${what}.id`),
    direction: oneOf(f.direction, DIRECTIONS, `${what}.direction`),
    name: text(f.name, `${what}.name`),
    bytes: count(f.bytes, `${what}.bytes`),
    size: count(f.size, `${what}.size`),
  };
}

/** Reads a `files` event. */
export function decodeFiles(value: unknown): FilesUpdate {
  const f = fields(value, 'files');
  return { folder: text(f.folder, 'files.folder'), questions: list(f.questions, 'files.questions', question), transfers: list(f.transfers, 'files.transfers', transfer) };
}
