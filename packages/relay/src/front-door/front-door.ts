/**
 * The help desk's front door: technicians' presence, the public directory,
 * and the customers' queue (docs/protocol.md, "Relay HTTP API"; issue 13).
 * The rules live here; the live state is behind {@link FrontDoorState}; the
 * teams are in the database ({@link Teams}).
 *
 * A queue entry waits in one queue: a technician's (picked from the
 * directory), a team's, or "anyone". Its position counts the waiting entries
 * of that queue that joined before it. Its page asks about it every few
 * seconds; an entry whose page has not asked for the grace period was
 * closed and is abandoned. Accepted, abandoned and expired entries are
 * audited with the customer's name and numbers and whether there was a
 * description, never its text.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  FRONT_DOOR,
  LIMITS,
  PRESENCE_STATUSES,
  TandemError,
  assertBoolean,
  assertObject,
  assertOneOf,
  assertPlainName,
  assertString,
  optional,
  type DirectoryInfo,
  type PresenceInfo,
  type PresenceStatus,
  type QueueEntryInfo,
  type QueueJoined,
  type QueueStatus,
} from '@tandem/protocol';
import type { AuditLog } from '../audit.js';
import type { FrontDoorState, StoredEntry } from './front-door-state.js';
import { assertTeamName, type MemberRow, type Teams } from './teams.js';

/** The limits and timings of a front door (defaults FRONT_DOOR). */
export interface FrontDoorLimits {
  entriesPerAddressPerHour: number;
  maxQueueLength: number;
  graceMs: number;
  maxWaitMs: number;
  presenceTimeoutMs: number;
}

/** What the front door needs. */
export interface FrontDoorDeps {
  state: FrontDoorState;
  teams: Teams;
  audit: AuditLog;
  /** Whether the technician is in a live session now (for automatic busy). */
  inSession: (username: string) => boolean;
  limits?: Partial<FrontDoorLimits>;
  now?: () => number;
}

/** The signed-in technician acting on the queue. */
export interface QueueActor {
  username: string;
  displayName: string;
  role: string;
}

const HOUR_MS = 60 * 60_000;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The queue an entry waits in. */
function queueOf(entry: Pick<StoredEntry, 'team' | 'technician'>): string {
  if (entry.technician !== null) return `technician:${entry.technician}`;
  return entry.team !== null ? `team:${entry.team}` : 'anyone';
}

/** A field the customer may leave out: a plain name within `max` characters, '' counting as left out. */
function optionalField(value: unknown, name: string, max: number): string | null {
  const text = optional(value, (v): asserts v is string => assertPlainName(v, name, max));
  return text === undefined || text.trim() === '' ? null : text.trim();
}

/** The front door of one relay. */
export class FrontDoor {
  readonly #state: FrontDoorState;
  readonly #teams: Teams;
  readonly #audit: AuditLog;
  readonly #inSession: (username: string) => boolean;
  readonly #limits: FrontDoorLimits;
  readonly #now: () => number;

  constructor(deps: FrontDoorDeps) {
    this.#state = deps.state;
    this.#teams = deps.teams;
    this.#audit = deps.audit;
    this.#inSession = deps.inSession;
    this.#now = deps.now ?? Date.now;
    this.#limits = {
      entriesPerAddressPerHour: FRONT_DOOR.entriesPerAddressPerHour,
      maxQueueLength: FRONT_DOOR.maxQueueLength,
      graceMs: FRONT_DOOR.graceMs,
      maxWaitMs: FRONT_DOOR.maxWaitMs,
      presenceTimeoutMs: FRONT_DOOR.presenceTimeoutMs,
      ...deps.limits,
    };
  }

  /** How often {@link sweep} should run: often enough that the grace period holds to a second. */
  get sweepIntervalMs(): number {
    return Math.max(250, Math.min(1_000, this.#limits.graceMs / 4));
  }

  /** Sets a technician's presence (`PUT /api/me/presence`). */
  async setPresence(username: string, body: unknown): Promise<PresenceInfo> {
    assertObject(body, 'body');
    assertOneOf<PresenceStatus>(body.status, 'status', PRESENCE_STATUSES);
    const before = await this.#state.getPresence(username);
    let autoBusy = before?.autoBusy ?? false;
    if (body.autoBusy !== undefined) {
      assertBoolean(body.autoBusy, 'autoBusy');
      autoBusy = body.autoBusy;
    }
    await this.#state.setPresence(username, { status: body.status, autoBusy, seenAt: this.#now() });
    return this.presence(username);
  }

  /** A technician's presence; away when never set or not heard from within the presence timeout. */
  async presence(username: string): Promise<PresenceInfo> {
    const stored = await this.#state.getPresence(username);
    if (stored === undefined) return { status: 'away', autoBusy: false, effective: 'away' };
    return { status: stored.status, autoBusy: stored.autoBusy, effective: this.#effective(username, stored) };
  }

  /** The public directory (`GET /api/directory`): listed teams, their listed technicians while not away, and the waits. */
  async directory(): Promise<DirectoryInfo> {
    const teams = (await this.#teams.teams()).filter((t) => t.listing !== 'hidden');
    const members = await this.#teams.members();
    const presence = await this.#state.allPresence();
    const waiting = (await this.#state.entries()).filter((e) => e.state === 'waiting');
    const effective = (username: string): PresenceStatus => {
      const stored = presence.get(username);
      return stored === undefined ? 'away' : this.#effective(username, stored);
    };
    const best = (statuses: PresenceStatus[]): PresenceStatus => (statuses.includes('available') ? 'available' : statuses.includes('busy') ? 'busy' : 'away');
    const everyone = new Set(members.map((m) => m.username));
    return {
      teams: teams.map((t) => {
        const own = members.filter((m) => m.team === t.name);
        return {
          name: t.name,
          displayName: t.displayName,
          status: best(own.map((m) => effective(m.username))),
          waiting: waiting.filter((e) => e.team === t.name).length,
          technicians:
            t.listing !== 'names'
              ? []
              : own.flatMap((m) => {
                  const status = effective(m.username);
                  return m.showName && status !== 'away' ? [{ id: m.publicId, displayName: m.displayName, status }] : [];
                }),
        };
      }),
      anyone: { status: best([...everyone].map(effective)), waiting: waiting.filter((e) => queueOf(e) === 'anyone').length },
    };
  }

  /** A customer joins the queue (`POST /api/queue`). */
  async join(body: unknown, address: string): Promise<QueueJoined> {
    assertObject(body, 'body');
    assertPlainName(body.name, 'name', LIMITS.maxNameChars, 1);
    const name = body.name.trim();
    if (name === '') throw new TandemError('TANDEM_ERR_BAD_INPUT', 'name: must not be empty');
    const customerNumber = optionalField(body.customerNumber, 'customerNumber', LIMITS.maxNumberChars);
    const caseNumber = optionalField(body.caseNumber, 'caseNumber', LIMITS.maxNumberChars);
    let description: string | null = null;
    if (body.description !== undefined) {
      // A description may run over lines; assertString keeps its length, plainness matters only for names.
      assertString(body.description, 'description', FRONT_DOOR.maxDescriptionChars);
      description = body.description.trim() === '' ? null : body.description.trim();
    }
    const target = await this.#target(body.team, body.technician);
    if (!(await this.#state.takeJoin(address, this.#now(), HOUR_MS, this.#limits.entriesPerAddressPerHour))) {
      throw new TandemError('TANDEM_ERR_RATE_LIMITED', `This address joined the queue ${this.#limits.entriesPerAddressPerHour} times within the hour; wait, or call the help desk.`);
    }
    const token = randomBytes(32).toString('base64url');
    const now = this.#now();
    const entry: StoredEntry = {
      id: randomUUID(),
      tokenHash: hashToken(token),
      state: 'waiting',
      name,
      customerNumber,
      caseNumber,
      description,
      ...target,
      address,
      joinedAt: now,
      seenAt: now,
      acceptedBy: null,
      acceptedByName: null,
      settledAt: null,
    };
    const key = queueOf(entry);
    if (!(await this.#state.addEntry(entry, (other) => queueOf(other) === key, this.#limits.maxQueueLength))) {
      throw new TandemError('TANDEM_ERR_QUEUE_FULL', `This queue already holds ${this.#limits.maxQueueLength} customers; try again later, pick another team, or call the help desk.`);
    }
    return { id: entry.id, token, position: await this.#position(entry) };
  }

  /** The customer's page asks about its entry (`GET /api/queue/ID` with the token); counts as a sign of life. */
  async status(id: unknown, token: unknown): Promise<QueueStatus> {
    const entry = await this.#entryFor(id, token);
    await this.#state.updateEntry(entry.id, { seenAt: this.#now() });
    const position = entry.state === 'waiting' ? await this.#position(entry) : 0;
    const waits = await this.#state.recentWaits();
    const mean = waits.length === 0 ? null : waits.reduce((a, b) => a + b, 0) / waits.length;
    return {
      id: entry.id,
      state: entry.state,
      position,
      estimatedWaitMs: mean === null || entry.state !== 'waiting' ? null : Math.round(mean * position),
      ...(entry.acceptedByName !== null ? { technician: { displayName: entry.acceptedByName } } : {}),
    };
  }

  /** The customer leaves the queue (`DELETE /api/queue/ID` with the token). */
  async leave(id: unknown, token: unknown): Promise<void> {
    const entry = await this.#entryFor(id, token);
    if (entry.state !== 'waiting') return;
    await this.#settle(entry, 'left', 'queue-abandoned', 'reason=left');
  }

  /**
   * The entries a technician may take (`GET /api/queue`): those asking for
   * them, for one of their teams, or for anyone; and the ones they
   * accepted. Administrators see every entry. Counts as a sign of life.
   */
  async list(actor: QueueActor): Promise<QueueEntryInfo[]> {
    await this.#state.touchPresence(actor.username, this.#now());
    const mine = new Set(await this.#teams.teamsOf(actor.username));
    const all = await this.#state.entries();
    const visible = all.filter((e) => (e.state === 'waiting' && this.#mayTake(actor, mine, e)) || (e.state === 'accepted' && e.acceptedBy === actor.username));
    const now = this.#now();
    return Promise.all(
      visible.map(async (e) => ({
        id: e.id,
        state: e.state,
        name: e.name,
        customerNumber: e.customerNumber,
        caseNumber: e.caseNumber,
        description: e.description,
        team: e.team,
        technician: e.technician,
        position: e.state === 'waiting' ? await this.#position(e) : 0,
        joinedAt: e.joinedAt,
        waitingMs: (e.settledAt ?? now) - e.joinedAt,
        acceptedBy: e.acceptedBy,
      })),
    );
  }

  /** A technician takes an entry (`POST /api/queue/ID/accept`). */
  async accept(actor: QueueActor, id: unknown): Promise<QueueEntryInfo> {
    assertString(id, 'id', 64, 1);
    const entry = await this.#state.getEntry(id);
    if (entry === undefined) throw new TandemError('TANDEM_ERR_QUEUE_GONE', 'This customer is no longer in the queue.');
    const mine = new Set(await this.#teams.teamsOf(actor.username));
    if (!this.#mayTake(actor, mine, entry)) throw new TandemError('TANDEM_ERR_FORBIDDEN', 'This customer waits for another team or technician.');
    if (entry.state !== 'waiting') {
      throw entry.state === 'accepted'
        ? new TandemError('TANDEM_ERR_CONFLICT', 'Another technician accepted this customer first.')
        : new TandemError('TANDEM_ERR_QUEUE_GONE', 'This customer is no longer in the queue.');
    }
    const now = this.#now();
    const accepted = await this.#state.updateEntry(entry.id, { state: 'accepted', acceptedBy: actor.username, acceptedByName: actor.displayName, settledAt: now }, 'waiting');
    if (accepted === undefined) throw new TandemError('TANDEM_ERR_CONFLICT', 'Another technician accepted this customer first, or the customer left.');
    await this.#state.recordWait(now - entry.joinedAt, FRONT_DOOR.estimateSamples);
    await this.#audit.event({ kind: 'queue-accepted', username: actor.username, address: entry.address, detail: this.#auditDetail(accepted) });
    await this.#state.touchPresence(actor.username, now);
    return {
      id: accepted.id,
      state: accepted.state,
      name: accepted.name,
      customerNumber: accepted.customerNumber,
      caseNumber: accepted.caseNumber,
      description: accepted.description,
      team: accepted.team,
      technician: accepted.technician,
      position: 0,
      joinedAt: accepted.joinedAt,
      waitingMs: now - accepted.joinedAt,
      acceptedBy: accepted.acceptedBy,
    };
  }

  /**
   * Ends what has run out: waiting entries whose page went quiet for the
   * grace period (abandoned) or that waited longer than the longest wait
   * (expired); and forgets settled entries whose page went quiet.
   */
  async sweep(): Promise<void> {
    const now = this.#now();
    for (const entry of await this.#state.entries()) {
      if (entry.state === 'waiting' && now - entry.seenAt > this.#limits.graceMs) {
        await this.#settle(entry, 'abandoned', 'queue-abandoned', 'reason=page-closed');
      } else if (entry.state === 'waiting' && now - entry.joinedAt > this.#limits.maxWaitMs) {
        await this.#settle(entry, 'expired', 'queue-expired', `reason=waited-over-${Math.round(this.#limits.maxWaitMs / 1000)}s`);
      } else if (entry.state !== 'waiting' && now - Math.max(entry.seenAt, entry.settledAt ?? 0) > this.#limits.graceMs) {
        await this.#state.removeEntry(entry.id);
      }
    }
  }

  #effective(username: string, stored: { status: PresenceStatus; autoBusy: boolean; seenAt: number }): PresenceStatus {
    if (stored.status === 'away' || this.#now() - stored.seenAt > this.#limits.presenceTimeoutMs) return 'away';
    return stored.autoBusy && this.#inSession(username) ? 'busy' : stored.status;
  }

  /** The queue asked for: a listed team, a technician listed now, or anyone. */
  async #target(team: unknown, technician: unknown): Promise<{ team: string | null; technician: string | null }> {
    if (technician !== undefined) {
      assertString(technician, 'technician', 64, 1);
      const listed = await this.#listedTechnician(technician);
      if (listed === undefined) throw new TandemError('TANDEM_ERR_NOT_FOUND', 'technician: no technician with this id is listed now; pick another from the directory.');
      if (team !== undefined && team !== listed.team) throw new TandemError('TANDEM_ERR_BAD_INPUT', 'team: the technician picked is not in this team');
      return { team: listed.team, technician: listed.username };
    }
    if (team === undefined) return { team: null, technician: null };
    assertTeamName(team, 'team');
    const found = (await this.#teams.teams()).find((t) => t.name === team && t.listing !== 'hidden');
    if (found === undefined) throw new TandemError('TANDEM_ERR_NOT_FOUND', `team: no public team named ${team}; pick one from the directory.`);
    return { team, technician: null };
  }

  async #listedTechnician(id: string): Promise<MemberRow | undefined> {
    const listedTeams = new Set((await this.#teams.teams()).filter((t) => t.listing === 'names').map((t) => t.name));
    const member = (await this.#teams.members()).find((m) => m.publicId === id && m.showName && listedTeams.has(m.team));
    if (member === undefined) return undefined;
    return (await this.presence(member.username)).effective === 'away' ? undefined : member;
  }

  #mayTake(actor: QueueActor, mine: ReadonlySet<string>, entry: StoredEntry): boolean {
    if (actor.role === 'admin') return true;
    if (entry.technician !== null) return entry.technician === actor.username;
    return entry.team === null || mine.has(entry.team);
  }

  async #position(entry: StoredEntry): Promise<number> {
    const key = queueOf(entry);
    const ahead = (await this.#state.entries()).filter((e) => e.state === 'waiting' && queueOf(e) === key && e.joinedAt <= entry.joinedAt && e.id !== entry.id);
    return ahead.length + 1;
  }

  async #entryFor(id: unknown, token: unknown): Promise<StoredEntry> {
    assertString(id, 'id', 64, 1);
    if (typeof token !== 'string' || token.length === 0 || token.length > 128) {
      throw new TandemError('TANDEM_ERR_UNAUTHORIZED', `The queue entry's token is missing: send it in the header of the answer to POST /api/queue.`);
    }
    const entry = await this.#state.getEntry(id);
    // An unknown id and a wrong token answer the same, so ids cannot be probed.
    if (entry === undefined || !sameHash(entry.tokenHash, hashToken(token))) throw new TandemError('TANDEM_ERR_QUEUE_GONE', 'This queue entry is no longer there; join the queue again.');
    return entry;
  }

  async #settle(entry: StoredEntry, state: 'left' | 'abandoned' | 'expired', kind: 'queue-abandoned' | 'queue-expired', reason: string): Promise<void> {
    const settled = await this.#state.updateEntry(entry.id, { state, settledAt: this.#now() }, 'waiting');
    if (settled === undefined) return;
    await this.#audit.event({ kind, address: entry.address, detail: `${reason} ${this.#auditDetail(settled)}` });
  }

  /** The audit's words for an entry: who and what for, and whether there was a description (never its text). */
  #auditDetail(entry: StoredEntry): string {
    // Short fields first: the audit keeps 200 characters of a detail, and a long name goes last.
    const parts = [
      `entry=${entry.id}`,
      `queue=${queueOf(entry)}`,
      `description=${entry.description === null ? 'none' : 'given'}`,
      `waitedMs=${(entry.settledAt ?? this.#now()) - entry.joinedAt}`,
      ...(entry.caseNumber !== null ? [`caseNumber=${JSON.stringify(entry.caseNumber)}`] : []),
      ...(entry.customerNumber !== null ? [`customerNumber=${JSON.stringify(entry.customerNumber)}`] : []),
      `name=${JSON.stringify(entry.name)}`,
    ];
    return parts.join(' ');
  }
}
