/**
 * The help desk's front door (issue 13): teams, technicians' presence, the
 * public directory and the customers' queue. Constants and the shapes of
 * their HTTP API (docs/protocol.md, "Relay HTTP API"), defined once for the
 * relay that answers, the support page and the console that read.
 */

/** A technician's status as the technician sets it (`PUT /api/me/presence`). */
export const PRESENCE_STATUSES = ['available', 'busy', 'away'] as const;
/** A presence status. */
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

/**
 * What the public directory shows of a team: nothing (`hidden`), the team
 * with its status (`team`), or the team and its technicians' display names
 * (`names`; each member can still be kept out by the administrator).
 */
export const TEAM_LISTINGS = ['hidden', 'team', 'names'] as const;
/** A team's listing. */
export type TeamListing = (typeof TEAM_LISTINGS)[number];

/** Where a queue entry stands. */
export const QUEUE_STATES = ['waiting', 'accepted', 'left', 'abandoned', 'expired'] as const;
/** A queue entry's state. */
export type QueueState = (typeof QUEUE_STATES)[number];

/** Front door limits and timings (the relay's defaults; `tandem-relay start` options override some). */
export const FRONT_DOOR = {
  /** Longest team name (its key), characters. */
  maxTeamNameChars: 64,
  /** Longest queue description, characters. */
  maxDescriptionChars: 500,
  /** Default queue entries one address may create per hour. */
  entriesPerAddressPerHour: 10,
  /** Default longest queue of one team (or one technician, or "anyone"). */
  maxQueueLength: 50,
  /** How often the support page asks about its entry, milliseconds. */
  pollIntervalMs: 3_000,
  /** An entry whose page has not asked for this long left the queue (the page was closed), milliseconds. */
  graceMs: 30_000,
  /** A waiting entry older than this expires, milliseconds. */
  maxWaitMs: 2 * 60 * 60_000,
  /** A technician whose console has not been heard from for this long counts as away, milliseconds. */
  presenceTimeoutMs: 2 * 60_000,
  /** Accepted entries whose waits make the estimate. */
  estimateSamples: 20,
} as const;

/** The header that carries a queue entry's token (tokens never go into paths or queries, which proxies log). */
export const QUEUE_TOKEN_HEADER = 'x-tandem-queue-token';

/** A technician in the directory (only in teams listed by `names`, only while available or busy). */
export interface DirectoryTechnician {
  /** Opaque id to ask for this technician in `POST /api/queue` (never the account name). */
  id: string;
  displayName: string;
  status: Exclude<PresenceStatus, 'away'>;
}

/** A team in the directory. */
export interface DirectoryTeam {
  name: string;
  displayName: string;
  /** `available` when a member is, else `busy` when one is, else `away`. */
  status: PresenceStatus;
  /** Customers waiting for this team or one of its technicians. */
  waiting: number;
  technicians: DirectoryTechnician[];
}

/** Answer to `GET /api/directory`. */
export interface DirectoryInfo {
  teams: DirectoryTeam[];
  /** "Anyone": whether any technician is available, and how many customers wait for anyone. */
  anyone: { status: PresenceStatus; waiting: number };
}

/** A signed-in technician's presence (`PUT /api/me/presence`, `GET /api/me/presence`). */
export interface PresenceInfo {
  /** The status set. */
  status: PresenceStatus;
  /** Busy while in a session, whatever the status set. */
  autoBusy: boolean;
  /** The status the directory shows (busy while in a session with `autoBusy`). */
  effective: PresenceStatus;
}

/** Body of `POST /api/queue`. */
export interface QueueJoin {
  name: string;
  customerNumber?: string;
  caseNumber?: string;
  description?: string;
  /** A team's name, from the directory. */
  team?: string;
  /** A technician's id, from the directory. */
  technician?: string;
}

/** Answer to `POST /api/queue`. */
export interface QueueJoined {
  id: string;
  /** Secret of the entry: send it in the {@link QUEUE_TOKEN_HEADER} header to follow or leave it. */
  token: string;
  position: number;
}

/** Answer to `GET /api/queue/ID` (the customer's view of the entry). */
export interface QueueStatus {
  id: string;
  state: QueueState;
  /** 1 for the next one; 0 once not waiting. */
  position: number;
  /** From the recent waits of accepted entries; null without history. */
  estimatedWaitMs: number | null;
  /** Who accepted, once accepted. */
  technician?: { displayName: string };
}

/** One entry of `GET /api/queue` (the technician's view). */
export interface QueueEntryInfo {
  id: string;
  state: QueueState;
  name: string;
  customerNumber: string | null;
  caseNumber: string | null;
  description: string | null;
  /** The team asked for, or null. */
  team: string | null;
  /** The technician asked for (account name), or null. */
  technician: string | null;
  position: number;
  joinedAt: number;
  waitingMs: number;
  acceptedBy: string | null;
}

/** A team as administrators see it (`GET /api/teams`). */
export interface TeamInfo {
  name: string;
  displayName: string;
  listing: TeamListing;
  createdAt: number;
  members: TeamMemberInfo[];
}

/** A member of a team. */
export interface TeamMemberInfo {
  username: string;
  displayName: string;
  /** Listed by display name in the directory (when the team is listed by `names`). */
  showName: boolean;
}
