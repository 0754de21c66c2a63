/**
 * Shapes of the relay's HTTP API answers (docs/protocol.md, "Relay HTTP API").
 */
import type { AccountRole, AuditEventKind, EndReason, Mode } from '@tandem/protocol';

/** A signed-in account as the relay describes it. */
export interface AccountInfo {
  username: string;
  displayName: string;
  role: AccountRole;
  team: string;
}

/** Answer to POST /api/auth/login. */
export interface LoginAnswer {
  token: string;
  user: AccountInfo;
}

/** Answer to GET /api/setup/:token. */
export interface SetupInfo {
  username: string;
  role: AccountRole;
}

/** One row of GET /api/users. */
export interface UserRow extends AccountInfo {
  createdAt: number | string;
  hasPassword: boolean;
}

/** Body of POST /api/users. */
export interface NewUser {
  username: string;
  displayName?: string;
  role: AccountRole;
  team?: string;
}

/**
 * One row of GET /api/audit/sessions (the relay's AuditSession). Fields the
 * relay does not know yet (a session still running, a customer who never
 * consented) are null.
 */
export interface AuditSessionRow {
  sessionId: string;
  nameplate?: string;
  technicianUsername: string;
  technicianAddress: string | null;
  customerName: string | null;
  customerNumber: string | null;
  caseNumber: string | null;
  customerAddress: string | null;
  modeRequested?: Mode;
  modeAtStart?: Mode | null;
  lastMode?: Mode | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  endReason: EndReason | null;
}

/** One row of GET /api/audit/events (the relay's AuditEvent). */
export interface AuditEventRow {
  id: number;
  at: number;
  kind: AuditEventKind;
  username: string | null;
  address: string | null;
  sessionId: string | null;
  detail: string;
}
