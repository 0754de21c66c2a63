/**
 * The "Open invitations" view of the local page (issue 4, point 2): one row
 * per invitation as this computer's record says it is, for the page to show
 * (customer name, id, expiry, relays, held or not and where, wrong attempts).
 * Pure: the caller reads the store and says which holders are alive.
 */
import { recordExpiresAt, recordStatus, type InvitationRecord } from './invitation-store.js';

/** A row's state, as the page's `data-state` attribute shows it. */
export type InvitationRowState = 'open' | 'held' | 'expired' | 'used';

/** One invitation on the page. */
export interface InvitationRow {
  id: string;
  customerName: string;
  passwordProtected: boolean;
  /** Start and expiry, ms since the epoch, by this computer's clock. */
  start: number;
  expiresAt: number;
  relays: string[];
  state: InvitationRowState;
  /** Why an expired row is expired. */
  reason?: 'expired-by-customer' | 'too-many-wrong-passwords' | 'lapsed';
  /** The `tandem invite` process holding it, and the relay once it holds there. */
  holder?: { pid: number; relay?: string };
  wrongAttempts: number;
  maxWrong: number;
  /** The invitation of the `tandem invite` serving this page. */
  current: boolean;
}

/** The row of one record at `now`; `alive` says whether a holder process runs. */
export function invitationRow(rec: InvitationRecord, now: number, alive: (pid: number | undefined) => boolean, currentId: string): InvitationRow {
  const status = recordStatus(rec, now);
  const holding = alive(rec.holderPid) && rec.holderPid !== undefined && (status === 'open' || status === 'lapsed');
  const row: InvitationRow = {
    id: rec.id,
    customerName: rec.customerName,
    passwordProtected: rec.passwordProtected,
    start: rec.start,
    expiresAt: recordExpiresAt(rec),
    relays: rec.relays.map((r) => r.url),
    state: status === 'used' ? 'used' : status === 'open' ? (holding && rec.heldOn !== undefined ? 'held' : 'open') : 'expired',
    wrongAttempts: rec.wrongAttempts,
    maxWrong: rec.maxWrong,
    current: rec.id === currentId,
  };
  if (status === 'lapsed') row.reason = 'lapsed';
  else if (status === 'expired') row.reason = rec.expiredReason ?? 'expired-by-customer';
  if (holding && rec.holderPid !== undefined) row.holder = { pid: rec.holderPid, ...(rec.heldOn !== undefined ? { relay: rec.heldOn } : {}) };
  return row;
}

/**
 * The rows the page lists: every open invitation, and every one it listed
 * before (`seen`, updated here) so that a row the customer just expired stays
 * visible as expired instead of vanishing. Oldest first, as the store lists.
 */
export function invitationRows(records: readonly InvitationRecord[], now: number, alive: (pid: number | undefined) => boolean, currentId: string, seen: Set<string>): InvitationRow[] {
  const rows: InvitationRow[] = [];
  for (const rec of records) {
    const row = invitationRow(rec, now, alive, currentId);
    if (row.state !== 'open' && row.state !== 'held' && !seen.has(row.id) && !row.current) continue;
    seen.add(row.id);
    rows.push(row);
  }
  return rows;
}
