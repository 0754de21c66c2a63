import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type ColumnDataType, type Generated } from 'kysely';
import pg from 'pg';
import { migrateFrontDoor, type FrontDoorSchema } from './front-door/team-tables.js';

/**
 * The relay's persistent state behind one Kysely interface: the same queries
 * run on SQLite (the embedded default) and PostgreSQL. Timestamps are
 * milliseconds since the epoch in BIGINT columns; PostgreSQL returns those as
 * strings, so every read goes through Number().
 */
export interface UsersTable {
  username: string;
  display_name: string;
  role: string;
  team: string;
  password_hash: string | null;
  created_at: number;
  /** When an administrator disabled the account; null while enabled. */
  disabled_at: number | null;
  /** When an administrator last unlocked the account: sign-in failures before it no longer count. */
  unlocked_at: number | null;
  /** The confirmed TOTP secret (base32, RFC 4648), null without one. */
  totp_secret: string | null;
  /** A TOTP secret shown for enrolment and not yet confirmed with a code. */
  totp_pending: string | null;
  /** The last TOTP time step accepted (RFC 6238 §5.2: a code is accepted once). */
  totp_last_step: number | null;
  /** SHA-256 hashes of the unused recovery codes, space-separated ('' for none). */
  recovery_hashes: string;
  /** The account's WebAuthn user handle (16 random bytes, base64url), made at its first passkey; null before. */
  webauthn_user_id: string | null;
}
export interface TokensTable {
  token_hash: string;
  username: string;
  expires_at: number;
  /** When the sign-in happened (0 for tokens issued before the column existed). */
  created_at: number;
  /** The address it came from ('' when unknown). */
  address: string;
  /** `full`, or `enrol`: a sign-in that may only enrol a second factor (the policy requires one). */
  scope: string;
}
export interface SetupLinksTable {
  token_hash: string;
  username: string;
  expires_at: number;
}
/** A registered passkey (WebAuthn credential, W3C Web Authentication Level 3). */
export interface PasskeysTable {
  /** The credential ID, base64url. */
  credential_id: string;
  username: string;
  /** The name its owner gave it. */
  name: string;
  /** The COSE public key, base64url. */
  public_key: string;
  /** The last signature counter accepted (§6.1.1: a clone shows a counter that does not grow). */
  counter: number;
  /** Transports the authenticator said it has, comma-separated. */
  transports: string;
  created_at: number;
  last_used_at: number | null;
}
/** A WebAuthn challenge handed out and not yet answered: each is accepted once, for one account and purpose. */
export interface WebauthnChallengesTable {
  challenge: string;
  username: string;
  /** `register` or `signin`. */
  purpose: string;
  expires_at: number;
}
/** Relay-wide settings an administrator sets (the second-factor policy), one value per key. */
export interface SettingsTable {
  key: string;
  value: string;
}
export interface AuditSessionsTable {
  session_id: string;
  nameplate: string;
  technician_username: string;
  technician_address: string;
  customer_name: string | null;
  customer_number: string | null;
  case_number: string | null;
  customer_address: string;
  mode_requested: string;
  mode_at_start: string | null;
  last_mode: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  end_reason: string | null;
}
export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  kind: string;
  username: string | null;
  address: string | null;
  session_id: string | null;
  detail: string;
}

/** The schema as Kysely sees it. */
export interface Schema extends FrontDoorSchema {
  users: UsersTable;
  tokens: TokensTable;
  setup_links: SetupLinksTable;
  audit_sessions: AuditSessionsTable;
  audit_events: AuditEventsTable;
  passkeys: PasskeysTable;
  webauthn_challenges: WebauthnChallengesTable;
  settings: SettingsTable;
}

/** An open database: the query builder, its dialect and a way to close it. */
export interface Storage {
  readonly db: Kysely<Schema>;
  readonly dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

/** Default SQLite file inside the data folder. */
export const SQLITE_FILE = 'tandem.sqlite';

/**
 * Opens (and migrates) the database: PostgreSQL when `databaseUrl` is a
 * `postgres://` or `postgresql://` URL, otherwise SQLite at DATA/tandem.sqlite.
 */
export async function openStorage(options: { dataDir: string; databaseUrl?: string | undefined }): Promise<Storage> {
  let db: Kysely<Schema>;
  let dialect: Storage['dialect'];
  if (options.databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(options.databaseUrl)) throw new Error('--database: only postgres:// URLs are supported');
    dialect = 'postgres';
    db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: options.databaseUrl, max: 10 }) }) });
  } else {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const file = new Database(join(options.dataDir, SQLITE_FILE));
    // WAL lets `tandem-relay user add` write while a relay runs; busy_timeout waits for its lock.
    file.pragma('journal_mode = WAL');
    file.pragma('busy_timeout = 5000');
    file.pragma('synchronous = NORMAL');
    dialect = 'sqlite';
    db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: file }) });
  }
  await migrate(db, dialect);
  return { db, dialect, close: () => db.destroy() };
}

async function migrate(db: Kysely<Schema>, dialect: Storage['dialect']): Promise<void> {
  const s = db.schema;
  await s
    .createTable('users')
    .ifNotExists()
    .addColumn('username', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('team', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await s
    .createTable('tokens')
    .ifNotExists()
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await s
    .createTable('setup_links')
    .ifNotExists()
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await s
    .createTable('audit_sessions')
    .ifNotExists()
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('nameplate', 'text', (c) => c.notNull())
    .addColumn('technician_username', 'text', (c) => c.notNull())
    .addColumn('technician_address', 'text', (c) => c.notNull())
    .addColumn('customer_name', 'text')
    .addColumn('customer_number', 'text')
    .addColumn('case_number', 'text')
    .addColumn('customer_address', 'text', (c) => c.notNull())
    .addColumn('mode_requested', 'text', (c) => c.notNull())
    .addColumn('mode_at_start', 'text')
    .addColumn('last_mode', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('end_reason', 'text')
    .execute();
  await s
    .createTable('audit_events')
    .ifNotExists()
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('username', 'text')
    .addColumn('address', 'text')
    .addColumn('session_id', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await addMissingColumns(db, dialect, 'users', [
    ['disabled_at', 'bigint', null],
    ['unlocked_at', 'bigint', null],
    ['totp_secret', 'text', null],
    ['totp_pending', 'text', null],
    ['totp_last_step', 'bigint', null],
    ['recovery_hashes', 'text', ''],
    ['webauthn_user_id', 'text', null],
  ]);
  await addMissingColumns(db, dialect, 'tokens', [
    ['created_at', 'bigint', 0],
    ['address', 'text', ''],
    ['scope', 'text', 'full'],
  ]);
  await s
    .createTable('passkeys')
    .ifNotExists()
    .addColumn('credential_id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull())
    .addColumn('transports', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await s
    .createTable('webauthn_challenges')
    .ifNotExists()
    .addColumn('challenge', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await s
    .createTable('settings')
    .ifNotExists()
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('passkeys_username').ifNotExists().on('passkeys').column('username').execute();
  await migrateFrontDoor(db);
  await s.createIndex('audit_sessions_created').ifNotExists().on('audit_sessions').column('created_at').execute();
  await s.createIndex('audit_events_at').ifNotExists().on('audit_events').column('at').execute();
  await s.createIndex('tokens_username').ifNotExists().on('tokens').column('username').execute();
  // A cheap round trip proves the connection before the relay says it listens.
  await sql`select 1`.execute(db);
}

/**
 * Adds the columns a table created by an older relay lacks. SQLite's ALTER
 * TABLE ... ADD COLUMN has no IF NOT EXISTS, so its own table_info says which
 * are missing; PostgreSQL's has, and it looks in the schema the relay's
 * tables are in (the search path), whatever other schemas hold. A column with
 * a default is NOT NULL, so old rows get the default.
 */
async function addMissingColumns(db: Kysely<Schema>, dialect: Storage['dialect'], table: keyof Schema, columns: [name: string, type: ColumnDataType, fallback: string | number | null][]): Promise<void> {
  const existing = new Set<string>();
  if (dialect === 'sqlite') {
    const info = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
    for (const row of info.rows) existing.add(row.name);
  }
  for (const [name, type, fallback] of columns) {
    if (existing.has(name)) continue;
    if (dialect === 'postgres') {
      const spec = fallback === null ? sql`` : sql` not null default ${sql.lit(fallback)}`;
      await sql`alter table ${sql.table(table)} add column if not exists ${sql.ref(name)} ${sql.raw(type)}${spec}`.execute(db);
      continue;
    }
    await db.schema
      .alterTable(table)
      .addColumn(name, type, (c) => (fallback === null ? c : c.notNull().defaultTo(fallback)))
      .execute();
  }
}
