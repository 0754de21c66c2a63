/**
 * Teams in the relay's database: administrators add and remove them, add
 * and remove technicians, and decide per team and per technician what the
 * public directory shows (TEAM_LISTINGS, and a member's `showName`). Every
 * change is audited with who made it. Members are joined with the users
 * table, so a deleted account drops out of every team at once.
 */
import { randomBytes } from 'node:crypto';
import {
  FRONT_DOOR,
  LIMITS,
  TEAM_LISTINGS,
  TandemError,
  assertBoolean,
  assertOneOf,
  assertPlainName,
  assertThat,
  type TeamInfo,
  type TeamListing,
} from '@tandem/protocol';
import { assertUsername } from '../accounts.js';
import type { AuditLog } from '../audit.js';
import type { Storage } from '../storage.js';

/** Fails unless `value` is a team's key: letters, digits and . _ - , starting with a letter or digit. */
export function assertTeamName(value: unknown, name = 'team'): asserts value is string {
  assertPlainName(value, name, FRONT_DOOR.maxTeamNameChars, 1);
  assertThat(/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value), name, 'may hold only letters, digits and . _ - and must start with a letter or digit');
}

/** A member as the directory and the queue need it. */
export interface MemberRow {
  team: string;
  username: string;
  displayName: string;
  showName: boolean;
  publicId: string;
}

/** A team with its listing, as the directory needs it. */
export interface TeamRow {
  name: string;
  displayName: string;
  listing: TeamListing;
  createdAt: number;
}

/** What a change to a team may set. */
export interface TeamChange {
  displayName?: string;
  listing?: TeamListing;
}

/** The teams of one relay's database. */
export class Teams {
  readonly #storage: Storage;
  readonly #audit: AuditLog;
  readonly #now: () => number;

  constructor(deps: { storage: Storage; audit: AuditLog; now?: () => number }) {
    this.#storage = deps.storage;
    this.#audit = deps.audit;
    this.#now = deps.now ?? Date.now;
  }

  /** Every team, by name, with its members. */
  async list(): Promise<TeamInfo[]> {
    const teams = await this.teams();
    const members = await this.members();
    return teams.map((t) => ({
      ...t,
      members: members.filter((m) => m.team === t.name).map((m) => ({ username: m.username, displayName: m.displayName, showName: m.showName })),
    }));
  }

  /** Every team, by name, without members. */
  async teams(): Promise<TeamRow[]> {
    const rows = await this.#storage.db.selectFrom('teams').selectAll().orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, displayName: r.display_name, listing: r.listing as TeamListing, createdAt: Number(r.created_at) }));
  }

  /** Every membership of an existing account, by team then user name. */
  async members(): Promise<MemberRow[]> {
    const rows = await this.#storage.db
      .selectFrom('team_members')
      .innerJoin('users', 'users.username', 'team_members.username')
      .select(['team_members.team', 'team_members.username', 'users.display_name', 'team_members.show_name', 'team_members.public_id'])
      .orderBy('team_members.team')
      .orderBy('team_members.username')
      .execute();
    return rows.map((r) => ({ team: r.team, username: r.username, displayName: r.display_name, showName: Number(r.show_name) === 1, publicId: r.public_id }));
  }

  /** Adds a team; TANDEM_ERR_CONFLICT if the name is taken. */
  async add(input: { name: unknown; displayName?: unknown; listing?: unknown }, actor: string): Promise<TeamRow> {
    assertTeamName(input.name, 'name');
    const displayName = input.displayName === undefined ? input.name : input.displayName;
    assertPlainName(displayName, 'displayName', LIMITS.maxNameChars, 1);
    const listing = input.listing ?? 'team';
    assertOneOf<TeamListing>(listing, 'listing', TEAM_LISTINGS);
    const row = { name: input.name, display_name: displayName, listing, created_at: this.#now() };
    if (await this.#find(input.name)) throw new TandemError('TANDEM_ERR_CONFLICT', `team ${input.name} already exists`);
    try {
      await this.#storage.db.insertInto('teams').values(row).execute();
    } catch (err) {
      // The primary key caught a concurrent creation of the same name.
      throw new TandemError('TANDEM_ERR_CONFLICT', `team ${input.name} already exists`, { cause: err });
    }
    await this.#audit.event({ kind: 'team-added', username: actor, detail: `team=${input.name} listing=${listing}` });
    return { name: row.name, displayName, listing, createdAt: row.created_at };
  }

  /** Changes a team's display name or listing. */
  async change(name: unknown, change: { displayName?: unknown; listing?: unknown }, actor: string): Promise<void> {
    assertTeamName(name, 'team');
    const patch: { display_name?: string; listing?: string } = {};
    if (change.displayName !== undefined) {
      assertPlainName(change.displayName, 'displayName', LIMITS.maxNameChars, 1);
      patch.display_name = change.displayName;
    }
    if (change.listing !== undefined) {
      assertOneOf<TeamListing>(change.listing, 'listing', TEAM_LISTINGS);
      patch.listing = change.listing;
    }
    assertThat(Object.keys(patch).length > 0, 'body', 'must change displayName or listing');
    await this.#need(name);
    await this.#storage.db.updateTable('teams').set(patch).where('name', '=', name).execute();
    await this.#audit.event({ kind: 'team-changed', username: actor, detail: `team=${name}${patch.listing !== undefined ? ` listing=${patch.listing}` : ''}${patch.display_name !== undefined ? ' displayName' : ''}` });
  }

  /** Removes a team and its memberships. */
  async remove(name: unknown, actor: string): Promise<void> {
    assertTeamName(name, 'team');
    await this.#need(name);
    await this.#storage.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('team_members').where('team', '=', name).execute();
      await trx.deleteFrom('teams').where('name', '=', name).execute();
    });
    await this.#audit.event({ kind: 'team-removed', username: actor, detail: `team=${name}` });
  }

  /** Adds a technician to a team, or changes whether the directory shows the name. */
  async addMember(team: unknown, username: unknown, showName: unknown, actor: string): Promise<void> {
    assertTeamName(team, 'team');
    assertUsername(username);
    assertBoolean(showName, 'showName');
    await this.#need(team);
    const user = await this.#storage.db.selectFrom('users').select('username').where('username', '=', username).executeTakeFirst();
    if (user === undefined) throw new TandemError('TANDEM_ERR_NOT_FOUND', `no user ${username}`);
    const existing = await this.#storage.db.selectFrom('team_members').select('public_id').where('team', '=', team).where('username', '=', username).executeTakeFirst();
    if (existing !== undefined) {
      await this.#storage.db.updateTable('team_members').set({ show_name: showName ? 1 : 0 }).where('team', '=', team).where('username', '=', username).execute();
    } else {
      await this.#storage.db
        .insertInto('team_members')
        .values({ team, username, show_name: showName ? 1 : 0, public_id: randomBytes(9).toString('base64url'), added_at: this.#now() })
        .execute();
    }
    await this.#audit.event({ kind: 'team-member-added', username: actor, detail: `team=${team} user=${username} showName=${String(showName)}` });
  }

  /** Takes a technician out of a team. */
  async removeMember(team: unknown, username: unknown, actor: string): Promise<void> {
    assertTeamName(team, 'team');
    assertUsername(username);
    await this.#need(team);
    const result = await this.#storage.db.deleteFrom('team_members').where('team', '=', team).where('username', '=', username).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new TandemError('TANDEM_ERR_NOT_FOUND', `${username} is not in team ${team}`);
    await this.#audit.event({ kind: 'team-member-removed', username: actor, detail: `team=${team} user=${username}` });
  }

  /** The teams a technician belongs to. */
  async teamsOf(username: string): Promise<string[]> {
    const rows = await this.#storage.db.selectFrom('team_members').select('team').where('username', '=', username).orderBy('team').execute();
    return rows.map((r) => r.team);
  }

  async #find(name: string): Promise<boolean> {
    return (await this.#storage.db.selectFrom('teams').select('name').where('name', '=', name).executeTakeFirst()) !== undefined;
  }

  async #need(name: string): Promise<void> {
    if (!(await this.#find(name))) throw new TandemError('TANDEM_ERR_NOT_FOUND', `no team ${name}`);
  }
}
