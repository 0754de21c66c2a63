/**
 * @tandem/relay: the relay server. `startRelay` runs one (tests and
 * benchmarks use it directly); `addUser` creates accounts offline.
 */
export { startRelay, DEFAULT_CLAIM_FAILURES_PER_MINUTE, type RelayOptions, type RelayHandle } from './server.js';
export { addUser, type AddUserOptions } from './add-user.js';
export { parseHelpDesk, type HelpDesk } from './help-desk.js';
export { contentSecurityPolicy } from './console-static.js';
export { certificateFingerprint } from './tls.js';
export type { AuditSession, AuditEvent } from './audit.js';
export type { PublicUser, UserSummary, SigninLimits } from './accounts.js';
