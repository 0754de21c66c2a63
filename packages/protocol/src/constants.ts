/**
 * Every protocol constant, defined once. Other packages import these rather
 * than repeating literals.
 */

/** Tandem's own version, as system information reports it (kept equal to the packages' by a test). */
export const TANDEM_VERSION = '0.1.0';

/** Protocol version label, bound into the handshake transcript. */
export const PROTOCOL_LABEL = 'tandem/1';

/** Session modes, from least to most power. */
export const MODES = ['chat', 'view', 'control'] as const;
/** A session mode: chat only, view only, shared control. */
export type Mode = (typeof MODES)[number];

/** Rank of a mode: a higher rank grants more. */
export function modeRank(mode: Mode): number {
  return MODES.indexOf(mode);
}

/** Roles of the two ends of a session. The technician is CPace's initiator. */
export const ROLES = ['technician', 'customer'] as const;
/** A role in a session. */
export type Role = (typeof ROLES)[number];

/** Technician account roles. */
export const ACCOUNT_ROLES = ['technician', 'admin'] as const;
/** An account role. */
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/**
 * Channels multiplexed inside the encrypted session. Each record's first
 * plaintext byte names its channel.
 */
export const CHANNEL = {
  control: 0,
  chat: 1,
  rfb: 2,
  files: 3,
  sysinfo: 4,
} as const;
/** A channel name. */
export type ChannelName = keyof typeof CHANNEL;
/** A channel number. */
export type ChannelId = (typeof CHANNEL)[ChannelName];

/**
 * First byte of every binary frame the two ends exchange through the relay.
 * The relay forwards these blindly; it never parses them.
 */
export const FRAME_TYPE = {
  /** CPace public share (32 bytes follow). */
  share: 1,
  /** Key confirmation MAC (64 bytes follow). */
  confirm: 2,
  /** AEAD record: ciphertext of [channel u8][payload]. */
  record: 3,
  /** AEAD close record: authenticated end of stream, empty plaintext. */
  close: 4,
  /** The technician's commitment to its share, sent before it sees the customer's (64 bytes follow; RFC 6189 §4.4.1.1). */
  commit: 5,
} as const;

/** How a session ended, as audited by the relay and shown to both ends. */
export const END_REASONS = [
  'customer-ended',
  'technician-ended',
  'network-lost',
  'refused',
  'wrong-code',
  'expired-code',
  'relay-shutdown',
  'protocol-error',
  /** The relay could not go on with the session: its audit log could not be written (fail closed). */
  'relay-error',
] as const;
/** An end reason. */
export type EndReason = (typeof END_REASONS)[number];

/** Kinds of audit events that are not sessions. */
export const AUDIT_EVENT_KINDS = [
  'signin-failed',
  'signin-locked',
  'code-failed',
  'code-expired',
  'code-unknown',
  'code-rate-limited',
  'code-scan',
  'invitation-failed',
  'invitation-unknown',
  'mode-change',
  'user-added',
  'password-set',
  'user-disabled',
  'user-enabled',
  'user-deleted',
  'user-reset',
  'signins-revoked',
  'user-unlocked',
  'password-changed',
  'totp-enrolled',
  'recovery-code-used',
  'passkey-added',
  'passkey-removed',
  'second-factor-policy',
  'team-added',
  'team-changed',
  'team-removed',
  'team-member-added',
  'team-member-removed',
  'queue-accepted',
  'queue-abandoned',
  'queue-expired',
] as const;
/** An audit event kind. */
export type AuditEventKind = (typeof AUDIT_EVENT_KINDS)[number];

/** Session code format (nameplate digits, then secret digits). */
export const CODE = {
  /** Default total length of a session code. */
  defaultLength: 8,
  /** Nameplate digits the relay starts with; it grows when many are in use. */
  minNameplateDigits: 3,
  /** Longest nameplate the relay will hand out. */
  maxNameplateDigits: 6,
  /** The secret part is never shorter than this. */
  minSecretDigits: 5,
  /** Longest code accepted anywhere. */
  maxLength: 16,
  /** Default lifetime of an unused code, milliseconds. */
  defaultLifetimeMs: 5 * 60_000,
  /** What "Extend" adds, milliseconds. */
  extendMs: 10 * 60_000,
} as const;

/** Size limits enforced at every boundary. */
export const LIMITS = {
  /** Largest WebSocket message the relay accepts, bytes. */
  maxFrameBytes: 1 << 20,
  /** Largest JSON signalling message, bytes. */
  maxSignalBytes: 8 * 1024,
  /** Largest piece of an RFB stream carried in one record, bytes. */
  rfbChunkBytes: 64 * 1024,
  /** Relay socket backlog above which a sender of bulk data (RFB) waits, bytes. */
  sendHighWaterBytes: 4 * 1024 * 1024,
  /** Largest control or chat message plaintext, bytes. */
  maxControlBytes: 16 * 1024,
  /** Longest chat message, characters. */
  maxChatChars: 4000,
  /** Longest name, customer number, case number, characters. */
  maxNameChars: 120,
  maxNumberChars: 64,
  /** Longest relay address, characters. */
  maxRelayUrlChars: 256,
  /** Longest user name, characters. */
  maxUserNameChars: 64,
  /** Passwords: bounds, characters. */
  minPasswordChars: 10,
  maxPasswordChars: 1024,
} as const;

/** Timeouts, milliseconds. */
export const TIMEOUTS = {
  /** A new relay connection must send its first message within this. */
  firstMessageMs: 10_000,
  /** The whole end-to-end handshake (shares and confirmation). */
  handshakeMs: 30_000,
  /** WebSocket keep-alive ping interval on the relay. */
  pingIntervalMs: 20_000,
} as const;

/** Sign-in throttling. */
export const SIGNIN_LIMITS = {
  /** Failures per account before it is locked. */
  maxFailuresPerAccount: 5,
  /** Failures per address before it is locked. */
  maxFailuresPerAddress: 20,
  /** Window over which failures are counted and lock duration, ms. */
  windowMs: 15 * 60_000,
} as const;

/** WebSocket path of the relay's rendezvous endpoint. */
export const RELAY_WS_PATH = '/ws';

/** Where the relay serves the console (the technician's and administrator's web app); its support page is at `/`. */
export const CONSOLE_PATH = '/console/';

/** The platforms a relay offers the customer's agent for, in the order the support page lists them when it cannot tell which computer it is on. */
export const AGENT_PLATFORMS = ['windows', 'linux'] as const;
/** One of {@link AGENT_PLATFORMS}. */
export type AgentPlatform = (typeof AGENT_PLATFORMS)[number];

/**
 * The downloadable agents a relay serves, at fixed paths (scripts depend on
 * them): one file per platform, each the customer's agent as one executable.
 * The relay's support page links to exactly these paths, its visitor's
 * platform first.
 */
export const AGENT_DOWNLOADS: Readonly<Record<AgentPlatform, { readonly path: string; readonly file: string }>> = {
  windows: { path: '/download/tandem-windows-x64.exe', file: 'tandem-windows-x64.exe' },
  linux: { path: '/download/tandem-linux-x64', file: 'tandem-linux-x64' },
};
