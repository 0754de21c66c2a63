/**
 * The texts of the customer's event log (docs/event-log.md), in the style
 * of IBM Assist On-site's Application log ("Agent AgentX started Shared
 * Control from …", "Session changed to Shared View", "Agent AgentX's
 * session closed normally"), the same on every platform. Each event has a
 * fixed number, its Windows event ID (ReportEventW's dwEventID), and a
 * level. Only fixed words and identifiers go in: never chat or other
 * content.
 */
import type { EndReason, Mode, TandemErrorCode, TechnicianIdentity } from '@tandem/protocol';

/** How serious an event is: the Windows event type, the syslog priority. */
export type EventLevel = 'information' | 'warning' | 'error';

/** One event as it goes to the system log. */
export interface LogEvent {
  /** Its number (the Windows event ID). */
  id: number;
  level: EventLevel;
  /** The message, one line. */
  text: string;
}

/** The event numbers, stable: administrators filter on them. */
export const EVENT_IDS = {
  started: 1,
  modeChanged: 2,
  closed: 3,
  failed: 4,
  wrongInvitationPassword: 10,
  invitationExpired: 11,
  fileReceiving: 20,
  fileReceived: 21,
  fileSent: 22,
  fileNotTransferred: 23,
  systemInfoSent: 30,
  systemInfoRefused: 31,
} as const;

/** The modes by the names the log gives them. */
export const MODE_NAMES: Record<Mode, string> = { chat: 'Chat Only', view: 'Shared View', control: 'Shared Control' };

/** Why an invitation stopped being usable. */
export type InvitationExpiry = 'lapsed' | 'expired-by-customer' | 'too-many-wrong-passwords';

const EXPIRY_TEXT: Record<InvitationExpiry, string> = {
  lapsed: 'its lifetime is over',
  'expired-by-customer': 'the customer expired it',
  'too-many-wrong-passwords': 'too many wrong passwords',
};

/** How a session ended, in words, and whether that is normal. */
const END_TEXT: Record<EndReason, { text: string; normal: boolean }> = {
  'customer-ended': { text: 'closed normally: the customer ended it', normal: true },
  'technician-ended': { text: 'closed normally: the technician ended it', normal: true },
  'network-lost': { text: 'was cut off: the connection was lost', normal: false },
  refused: { text: 'was refused by the customer', normal: true },
  'wrong-code': { text: 'ended: the code was wrong', normal: false },
  'expired-code': { text: 'ended: the code had expired', normal: false },
  'relay-shutdown': { text: 'ended: the relay shut down', normal: false },
  'protocol-error': { text: 'ended: the other side broke the protocol', normal: false },
  'relay-error': { text: 'ended: the relay could not record it', normal: false },
};

/** The technician as the log names them: "Agent tanaka (Tanaka Ichiro, Helpdesk)". */
function agent(technician: TechnicianIdentity): string {
  return `Agent ${technician.username} (${technician.displayName}, ${technician.team})`;
}

/** "Agent tanaka (Tanaka Ichiro, Helpdesk) started Shared View through https://relay.example (session 1234)". */
export function startedEvent(sessionId: string, technician: TechnicianIdentity, mode: Mode, relayUrl: string): LogEvent {
  return { id: EVENT_IDS.started, level: 'information', text: `${agent(technician)} started ${MODE_NAMES[mode]} through ${relayUrl} (session ${sessionId})` };
}

/** "Session changed to Shared View (session 1234)". */
export function modeChangedEvent(sessionId: string, mode: Mode): LogEvent {
  return { id: EVENT_IDS.modeChanged, level: 'information', text: `Session changed to ${MODE_NAMES[mode]} (session ${sessionId})` };
}

/** "Agent tanaka's session closed normally: the customer ended it (session 1234)", or failed with an error code. */
export function endedEvent(sessionId: string, technician: TechnicianIdentity | undefined, how: EndReason | TandemErrorCode): LogEvent {
  const whose = technician === undefined ? 'The' : `Agent ${technician.username}'s`;
  const end = END_TEXT[how as EndReason] as { text: string; normal: boolean } | undefined;
  if (end === undefined) return { id: EVENT_IDS.failed, level: 'error', text: `${whose} session failed: ${how} (session ${sessionId})` };
  return { id: EVENT_IDS.closed, level: end.normal ? 'information' : 'warning', text: `${whose} session ${end.text} (session ${sessionId})` };
}

/** "Invitation 7f3a…: wrong password from agent tanaka (2 of 5)"; never the password. */
export function wrongInvitationPasswordEvent(invitationId: string, technician: TechnicianIdentity, count: number, max: number): LogEvent {
  return { id: EVENT_IDS.wrongInvitationPassword, level: 'warning', text: `Invitation ${invitationId}: wrong password from agent ${technician.username} (${count} of ${max})` };
}

/** "Invitation 7f3a… expired: the customer expired it". */
export function invitationExpiredEvent(invitationId: string, why: InvitationExpiry): LogEvent {
  return { id: EVENT_IDS.invitationExpired, level: 'information', text: `Invitation ${invitationId} expired: ${EXPIRY_TEXT[why]}` };
}

/** A file's name or path as the log shows it: quoted, any control character escaped (one line, nothing forged). */
function quoted(name: string): string {
  return JSON.stringify(name);
}

/** 'File "report.pdf" started to be received from agent tanaka into /home/u/Downloads/Tandem (session 1234)'. */
export function fileReceivingEvent(sessionId: string, name: string, technician: string, folder: string): LogEvent {
  return { id: EVENT_IDS.fileReceiving, level: 'information', text: `File ${quoted(name)} started to be received from agent ${technician} into ${quoted(folder)} (session ${sessionId})` };
}

/** 'File "/home/u/Downloads/Tandem/report.pdf" was received successfully (1234 bytes, SHA-256 …) (session 1234)'. */
export function fileReceivedEvent(sessionId: string, path: string, bytes: number, sha256: string): LogEvent {
  return { id: EVENT_IDS.fileReceived, level: 'information', text: `File ${quoted(path)} was received successfully (${bytes} bytes, SHA-256 ${sha256}) (session ${sessionId})` };
}

/** 'File "/home/u/notes.txt" was sent to agent tanaka (1234 bytes, SHA-256 …) (session 1234)'. */
export function fileSentEvent(sessionId: string, path: string, technician: string, bytes: number, sha256: string): LogEvent {
  return { id: EVENT_IDS.fileSent, level: 'information', text: `File ${quoted(path)} was sent to agent ${technician} (${bytes} bytes, SHA-256 ${sha256}) (session ${sessionId})` };
}

/** 'File "report.pdf" was not transferred: refused by the local policy (session 1234)'. */
export function fileNotTransferredEvent(sessionId: string, name: string, why: string): LogEvent {
  return { id: EVENT_IDS.fileNotTransferred, level: 'warning', text: `File ${quoted(name)} was not transferred: ${why} (session ${sessionId})` };
}

/** "System information sent to Tanaka Ichiro, Helpdesk (requested by user tanaka) (session 1234)". */
export function systemInfoSentEvent(sessionId: string, technician: TechnicianIdentity): LogEvent {
  return { id: EVENT_IDS.systemInfoSent, level: 'information', text: `System information sent to ${technician.displayName}, ${technician.team} (requested by user ${technician.username}) (session ${sessionId})` };
}

/** "System information not sent to user tanaka: the customer refused it (session 1234)". */
export function systemInfoRefusedEvent(sessionId: string, technician: TechnicianIdentity, why: string): LogEvent {
  return { id: EVENT_IDS.systemInfoRefused, level: 'information', text: `System information not sent to user ${technician.username}: ${why} (session ${sessionId})` };
}
