/**
 * The front door's tables (teams and their members) and their migration,
 * beside the relay's other tables in storage.ts. Additive: a database of an
 * older relay gains the two tables, nothing else changes.
 */
import type { Kysely } from 'kysely';

/** A team: its key, the name customers see, and what the directory shows of it. */
export interface TeamsTable {
  name: string;
  display_name: string;
  /** One of TEAM_LISTINGS (protocol). */
  listing: string;
  created_at: number;
}

/** A technician's membership of a team. */
export interface TeamMembersTable {
  team: string;
  username: string;
  /** 1: listed by display name in the directory (when the team is listed by `names`); 0: not. */
  show_name: number;
  /** The opaque id the directory gives this technician of this team (never the account name). */
  public_id: string;
  added_at: number;
}

/** The front door's part of the schema. */
export interface FrontDoorSchema {
  teams: TeamsTable;
  team_members: TeamMembersTable;
}

/** Creates the front door's tables when missing (storage.ts runs it with the other migrations). */
export async function migrateFrontDoor(db: Kysely<FrontDoorSchema>): Promise<void> {
  await db.schema
    .createTable('teams')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('listing', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('team_members')
    .ifNotExists()
    .addColumn('team', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('show_name', 'integer', (c) => c.notNull())
    .addColumn('public_id', 'text', (c) => c.notNull().unique())
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('team_members_pk', ['team', 'username'])
    .execute();
  await db.schema.createIndex('team_members_username').ifNotExists().on('team_members').column('username').execute();
}
