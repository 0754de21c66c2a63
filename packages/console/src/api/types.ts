/**
 * Shapes of the relay's HTTP API answers (docs/protocol.md, "Relay HTTP API"):
 * defined once in @tandem/protocol, named here as the console's pages use them.
 */
import type { AccountRole } from '@tandem/protocol';

export type {
  AccountInfo,
  PasskeyInfo,
  SecondFactorKind,
  SecondFactorRequirement,
  LoginAnswer,
  SetupInfo,
  SigninInfo,
  UserSummary as UserRow,
  AuditSession as AuditSessionRow,
  AuditEvent as AuditEventRow,
} from '@tandem/protocol';

/** Body of POST /api/users. */
export interface NewUser {
  username: string;
  displayName?: string;
  role: AccountRole;
  team?: string;
}

/** What POST /api/users/NAME/ACTION does. */
export type UserAction = 'disable' | 'enable' | 'unlock' | 'revoke-signins';

/** Answer of POST /api/me/totp/start. */
export interface TotpEnrolment {
  secret: string;
  otpauthUrl: string;
  /** The URI as a QR code, a `data:image/svg+xml` URL. */
  qr: string;
}
