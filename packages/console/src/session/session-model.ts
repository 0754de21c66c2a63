/**
 * What the session screen shows, derived from the TechnicianSession's events
 * by one pure reducer, so the screen never holds state the session does not
 * vouch for. System notices keep a key and raw values and are translated when
 * shown, so switching the language re-translates the whole log.
 */
import { modeRank, type CustomerDetails, type EndReason, type Mode, type TandemErrorCode, type TechnicianEvent } from '@tandem/protocol';

/** A notice in the session log, translated at render time. */
export type Notice =
  | { key: 'code' }
  | { key: 'extended' }
  | { key: 'joined'; sas: string }
  | { key: 'joinedInvitation'; sas: string }
  | { key: 'accepted'; mode: Mode }
  | { key: 'acceptedLess'; mode: Mode; requested: Mode }
  | { key: 'refused' }
  | { key: 'requested'; mode: Mode }
  | { key: 'granted'; mode: Mode }
  | { key: 'denied'; mode: Mode }
  | { key: 'mode'; mode: Mode }
  | { key: 'tookBack'; mode: Mode }
  | { key: 'ended'; reason: EndReason }
  | { key: 'failed'; code: TandemErrorCode; message: string; invitation?: true };

/** One line of the chat log. */
export type LogEntry =
  | { id: number; from: 'me' | 'peer'; text: string; at: number }
  | { id: number; from: 'system'; notice: Notice; at: number };

/** A failure, kept as plain data. */
export interface SessionFailure {
  code: TandemErrorCode;
  message: string;
}

/** Everything the session screen shows. */
export interface SessionView {
  /** The TechnicianSession's state after the last event. */
  state: string;
  requestedMode: Mode;
  caseNumber?: string;
  /** Set when the session answers a customer's invitation rather than showing a code. */
  invitation?: { customerName: string };
  code?: string;
  expiresAt?: number;
  sessionId?: string;
  sas?: string;
  mode?: Mode;
  /** A step-up asked for and not yet answered. */
  pending?: Mode;
  customer?: CustomerDetails;
  /**
   * The RFB stream now running, numbered from 1: a fresh one starts on every
   * step from chat to view or control (docs/protocol.md), none in chat or
   * once the session is over.
   */
  screen?: number;
  /** Streams started so far in this session. */
  streams: number;
  /** The customer stepped down from shared control and the technician has not been given it again. */
  tookBack?: boolean;
  endReason?: EndReason;
  failure?: SessionFailure;
  /**
   * The code was used up without a session: a wrong secret, or the claimer
   * left before the keys were confirmed (maybe after testing a guess). The
   * relay will never accept it again; the screen offers a fresh one.
   * `wrong-code` when the handshake failed on the secret, `unverified` when
   * the session ended before it was verified.
   */
  burnt?: 'wrong-code' | 'unverified';
  log: LogEntry[];
}

/** Inputs of the reducer: the session's events plus what this side did. */
export type SessionAction =
  | {
      type: 'event';
      event: TechnicianEvent;
      state: string;
      at: number;
      /** The relay has paired the session with a claimer (the TechnicianSession knows its session id). */
      paired?: boolean;
    }
  | { type: 'sent'; text: string; at: number }
  | { type: 'requested'; mode: Mode; at: number };

/** The view of a session that was just started (from a code, or answering `invitation`). */
export function initialView(requestedMode: Mode, caseNumber?: string, invitation?: { customerName: string }): SessionView {
  const view: SessionView = { state: 'connecting', requestedMode, streams: 0, log: [] };
  if (caseNumber) view.caseNumber = caseNumber;
  if (invitation) view.invitation = { customerName: invitation.customerName };
  return view;
}

/**
 * Whether a code session that finishes now burnt its code: the relay burns a
 * nameplate once it is claimed, so any end after the claim (`paired`) and
 * before the keys were confirmed (the `joined` event, which brings the SAS)
 * leaves the code unusable, as does a wrong secret. Invitations have no code
 * to burn.
 */
function burntBy(view: SessionView, code: TandemErrorCode | undefined, paired: boolean): SessionView['burnt'] {
  if (view.invitation) return undefined;
  if (code === 'TANDEM_ERR_WRONG_CODE') return 'wrong-code';
  return paired && view.sas === undefined ? 'unverified' : undefined;
}

/** True for the modes that carry a screen. */
export function showsScreen(mode: Mode | undefined): boolean {
  return mode === 'view' || mode === 'control';
}

/** The view after the mode changed from `view.mode` to `mode`: starts or stops the RFB stream by the stream rule. */
function withMode(view: SessionView, mode: Mode): SessionView {
  const { screen: _old, ...rest } = view;
  if (!showsScreen(mode)) return rest;
  if (showsScreen(view.mode) && view.screen !== undefined) return { ...view, mode };
  const streams = view.streams + 1;
  return { ...rest, mode, streams, screen: streams };
}

function withNotice(view: SessionView, notice: Notice, at: number): LogEntry[] {
  return [...view.log, { id: view.log.length + 1, from: 'system', notice, at }];
}

/** Applies one action; returns a new view (the input is not changed). */
export function reduceSession(view: SessionView, action: SessionAction): SessionView {
  const { at } = action;
  switch (action.type) {
    case 'sent':
      return { ...view, log: [...view.log, { id: view.log.length + 1, from: 'me', text: action.text, at }] };
    case 'requested':
      return { ...view, pending: action.mode, log: withNotice(view, { key: 'requested', mode: action.mode }, at) };
    case 'event':
      break;
  }
  const { event } = action;
  const next: SessionView = { ...view, state: action.state };
  switch (event.type) {
    case 'code':
      return { ...next, code: event.code, expiresAt: event.expiresAt, log: withNotice(view, { key: 'code' }, at) };
    case 'extended':
      return { ...next, expiresAt: event.expiresAt, log: withNotice(view, { key: 'extended' }, at) };
    case 'joined':
      return { ...next, sessionId: event.sessionId, sas: event.sas, log: withNotice(view, { key: view.invitation ? 'joinedInvitation' : 'joined', sas: event.sas }, at) };
    case 'accepted': {
      const notice: Notice =
        modeRank(event.mode) < modeRank(view.requestedMode)
          ? { key: 'acceptedLess', mode: event.mode, requested: view.requestedMode }
          : { key: 'accepted', mode: event.mode };
      return { ...withMode(next, event.mode), mode: event.mode, customer: event.customer, log: withNotice(view, notice, at) };
    }
    case 'refused':
      return { ...next, log: withNotice(view, { key: 'refused' }, at) };
    case 'decision': {
      const { pending: _answered, ...rest } = next;
      const base = view.pending === event.mode ? rest : next;
      return { ...base, log: withNotice(view, { key: event.accepted ? 'granted' : 'denied', mode: event.mode }, at) };
    }
    case 'mode': {
      // Only the customer steps down; leaving control is always their decision.
      const steppedDown = view.mode === 'control' && event.mode !== 'control';
      const { tookBack: _cleared, ...moved } = withMode(next, event.mode);
      const notice: Notice = steppedDown ? { key: 'tookBack', mode: event.mode } : { key: 'mode', mode: event.mode };
      return { ...moved, ...(steppedDown ? { tookBack: true } : {}), mode: event.mode, log: withNotice(view, notice, at) };
    }
    case 'chat':
      return { ...next, log: [...view.log, { id: view.log.length + 1, from: 'peer', text: event.text, at }] };
    case 'rfb':
      // Screen bytes go to the viewer, not into the session's view model.
      return view;
    case 'ended': {
      const { pending: _dropped, screen: _over, ...rest } = next;
      const burnt = burntBy(view, undefined, action.paired ?? false);
      return { ...rest, endReason: event.reason, ...(burnt ? { burnt } : {}), log: withNotice(view, { key: 'ended', reason: event.reason }, at) };
    }
    case 'failed': {
      const { pending: _dropped, screen: _over, ...rest } = next;
      const failure = { code: event.error.code, message: event.error.message };
      const notice: Notice = view.invitation ? { key: 'failed', ...failure, invitation: true } : { key: 'failed', ...failure };
      const burnt = burntBy(view, event.error.code, action.paired ?? false);
      return { ...rest, failure, ...(burnt ? { burnt } : {}), log: withNotice(view, notice, at) };
    }
  }
}

/** True once the session can do nothing more. */
export function isFinished(view: SessionView): boolean {
  return view.state === 'ended' || view.state === 'failed';
}

/** Modes the technician may ask for now: above the current one, while active and nothing is pending. */
export function canRequest(view: SessionView, mode: Mode): boolean {
  return view.state === 'active' && view.mode !== undefined && modeRank(mode) > modeRank(view.mode) && view.pending === undefined;
}
