/**
 * Glue between what a technician hands the console (a dropped or chosen
 * `.tandem` file, pasted file text, a pasted link or the link's route data)
 * and the protocol's strict invitation reader, plus the checks the console
 * makes before connecting: which relay it can reach, which PAKE secret to use
 * and what the technician's clock says about expiry (informative only: the
 * customer's computer decides, docs/invitation-format.md "Expiry").
 */
import {
  INVITATION_LIMITS,
  INVITATION_LINK_ROUTE,
  TandemError,
  invitationExpiresAt,
  isInvitationExpired,
  parseInvitationLinkData,
  readInvitation,
  relayOriginOf,
  type Invitation,
} from '@tandem/protocol';

/** Longest file worth reading: the format's limit plus a byte order mark (3 bytes). */
const MAX_DROPPED_FILE_BYTES = INVITATION_LIMITS.maxFileBytes + 3;

/**
 * Reads pasted or dropped text: the file's text, a whole link, or a bare
 * `#/invitation/DATA` fragment. Throws the protocol's TandemError
 * (TANDEM_ERR_INVITATION_INVALID or TANDEM_ERR_INVITATION_VERSION).
 */
export function readInvitationText(text: string): Invitation {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new TandemError('TANDEM_ERR_INVITATION_INVALID', 'invitation: nothing was pasted');
  }
  const trimmed = text.trim();
  if (trimmed.startsWith(INVITATION_LINK_ROUTE)) return parseInvitationLinkData(trimmed.slice(INVITATION_LINK_ROUTE.length));
  return readInvitation(text);
}

/** Reads a dropped or chosen file; refuses one far too large to be an invitation before reading it. */
export async function readInvitationFile(file: Blob): Promise<Invitation> {
  if (file.size > MAX_DROPPED_FILE_BYTES) {
    throw new TandemError('TANDEM_ERR_INVITATION_INVALID', `invitation: the file is larger than ${INVITATION_LIMITS.maxFileBytes} bytes, so it is not an invitation Tandem wrote`);
  }
  return readInvitationText(await file.text());
}

/**
 * The relay of the invitation that this console can use: the browser reaches
 * only the origin that served the console, so that origin must be listed.
 * Both sides are normalised (lower-case host, default port dropped).
 */
export function matchingRelay(invitation: Invitation, consoleOrigin: string): string | undefined {
  const mine = relayOriginOf(consoleOrigin);
  if (mine === undefined) return undefined;
  return invitation.relays.find((r) => relayOriginOf(r.url) === mine)?.url;
}

/**
 * The PAKE secret of the session: the password the customer gave (as typed),
 * or the invitation's own `Secret` when it has no password
 * (docs/protocol.md "Invitations").
 */
export function invitationSecret(invitation: Invitation, password: string): string {
  if (invitation.passwordProtected) {
    if (password === '') throw new TandemError('TANDEM_ERR_BAD_INPUT', 'invitation password: required');
    return password;
  }
  if (invitation.secret === undefined) throw new TandemError('TANDEM_ERR_INVITATION_INVALID', 'invitation: field Secret is missing');
  return invitation.secret;
}

/** Expiry as the technician's clock sees it: informative, never a decision. */
export interface InvitationTiming {
  expiresAt: number;
  /** Milliseconds left; negative once past. */
  remainingMs: number;
  expired: boolean;
}

/** Expiry of `invitation` at `now` on this computer's clock. */
export function invitationTiming(invitation: Invitation, now: number): InvitationTiming {
  const expiresAt = invitationExpiresAt(invitation);
  return { expiresAt, remainingMs: expiresAt - now, expired: isInvitationExpired(invitation, now) };
}

/** A relative time in its largest sensible unit, for Intl.RelativeTimeFormat. */
export function relativeTime(ms: number): { value: number; unit: 'second' | 'minute' | 'hour' | 'day' } {
  const sign = ms < 0 ? -1 : 1;
  const abs = Math.abs(ms);
  // Truncate toward zero: "in 59 minutes" must never overstate what is left.
  const minutes = Math.floor(abs / 60_000);
  if (minutes < 1) return { value: sign * Math.floor(abs / 1000), unit: 'second' };
  if (minutes < 120) return { value: sign * minutes, unit: 'minute' };
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return { value: sign * hours, unit: 'hour' };
  return { value: sign * Math.floor(hours / 24), unit: 'day' };
}
