/**
 * Shapes of the relay's HTTP API (docs/protocol.md, "Relay HTTP API"), defined
 * once for the relay that answers and the console that reads.
 */
import type { AccountRole, AuditEventKind, EndReason, Mode } from './constants.js';

/** A signed-in account as the relay describes it (`GET /api/me`, login's `user`). */
export interface AccountInfo {
  username: string;
  displayName: string;
  role: AccountRole;
  team: string;
  /**
   * Present (true) on a sign-in that may only enrol a second factor: the
   * relay's policy requires one and the account has none yet.
   */
  enrolmentRequired?: true;
}

/** Second factors an account can have: `recovery` while recovery codes of its TOTP are left. */
export const SECOND_FACTOR_KINDS = ['totp', 'recovery', 'passkey'] as const;
/** One of {@link SECOND_FACTOR_KINDS}. */
export type SecondFactorKind = (typeof SECOND_FACTOR_KINDS)[number];

/** One registered passkey (`GET /api/me/passkeys`). */
export interface PasskeyInfo {
  /** The credential ID, base64url. */
  id: string;
  name: string;
  createdAt: number;
  /** Last sign-in with it; null before the first. */
  lastUsedAt: number | null;
}

/** Who must have a second factor (`tandem-relay policy require-2fa`, `PUT /api/policy/second-factor`). */
export const SECOND_FACTOR_REQUIREMENTS = ['off', 'admins', 'technicians', 'all'] as const;
/** One of {@link SECOND_FACTOR_REQUIREMENTS}. */
export type SecondFactorRequirement = (typeof SECOND_FACTOR_REQUIREMENTS)[number];

/** One row of `GET /api/users`. */
export interface UserSummary extends AccountInfo {
  createdAt: number;
  hasPassword: boolean;
  /** Disabled by an administrator: cannot sign in, every token revoked. */
  disabled: boolean;
  /** Locked after too many failed sign-ins (as this relay process counts them). */
  locked: boolean;
  /** Open sign-ins (unexpired tokens). */
  signins: number;
  /** Second factors enrolled: `totp`, `recovery` while recovery codes are left, `passkey` with one or more passkeys. */
  secondFactors: SecondFactorKind[];
}

/** One open sign-in (`GET /api/me/signins`). */
export interface SigninInfo {
  /** A short, stable identifier of the token (never the token). */
  id: string;
  createdAt: number;
  expiresAt: number;
  /** The address the sign-in came from ('' when unknown). */
  address: string;
  /** The token this request was made with. */
  current: boolean;
}

/** Answer to `POST /api/auth/login`. */
export interface LoginAnswer {
  token: string;
  user: AccountInfo;
}

/** Answer to `POST /api/setup/describe`. */
export interface SetupInfo {
  username: string;
  role: AccountRole;
}

/**
 * One row of `GET /api/audit/sessions`. Fields the relay does not know (a
 * session still running, a customer who never consented) are null.
 */
export interface AuditSession {
  sessionId: string;
  nameplate: string;
  technicianUsername: string;
  technicianAddress: string;
  customerName: string | null;
  customerNumber: string | null;
  caseNumber: string | null;
  customerAddress: string;
  modeRequested: Mode;
  modeAtStart: Mode | null;
  lastMode: Mode | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  endReason: EndReason | null;
}

/** One row of `GET /api/audit/events`. */
export interface AuditEvent {
  id: number;
  at: number;
  kind: AuditEventKind;
  username: string | null;
  address: string | null;
  sessionId: string | null;
  detail: string;
}

/** The help desk a relay serves, as `GET /api/info` describes it for the support page. */
export interface HelpDeskInfo {
  /** The help desk's name. */
  name: string;
  /** Its support phone number, as the administrator gave it. */
  phone?: string;
  /** Path of its logo on the relay, when it has one. */
  logo?: string;
}

/** Answer to `GET /api/info`. */
export interface RelayInfo {
  version: string;
  /** The protocol label (PROTOCOL_LABEL). */
  protocol: string;
  tls: boolean;
  /** SHA-256 of the relay's self-signed certificate, lowercase hex. */
  fingerprint?: string;
  /** The help desk, when the relay was started with one. */
  helpDesk?: HelpDeskInfo;
}
