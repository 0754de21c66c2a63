import { TandemError, type AuditEvent, type AuditEventKind, type AuditSession, type EndReason, type Mode } from '@tandem/protocol';
import { toCsv } from './csv.js';
import type { AuditEventsTable, AuditSessionsTable, Schema, Storage } from './storage.js';
import type { Kysely, Transaction } from 'kysely';

export type { AuditEvent, AuditSession };

/** What an event write needs. */
export interface AuditEventInput {
  kind: AuditEventKind;
  username?: string | null;
  address?: string | null;
  sessionId?: string | null;
  detail?: string;
}

/**
 * Hears the audit log's writes as they are queued, and each batch's commit
 * time: the relay's metrics are counted from it (operations/metrics.ts).
 */
export interface AuditObserver {
  /** An event row of `kind` (each repeat of a tally counts). */
  event(kind: AuditEventKind): void;
  sessionCreated(row: AuditSessionsTable): void;
  sessionUpdated(patch: Partial<AuditSessionsTable>): void;
  /** A batch committed, or failed, after `seconds`. */
  committed(seconds: number): void;
}

type Write = (trx: Transaction<Schema> | Kysely<Schema>) => Promise<unknown>;

/** What every caller of a failed audit write is told: what needed the row does not happen. */
export const AUDIT_FAILED = 'The relay could not write its audit log, so it does not go on with what the audit must record; see the relay log.';

/** Longest detail kept in an event row. */
const MAX_DETAIL_CHARS = 200;
interface Pending {
  write: Write;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const SESSION_COLUMNS = [
  'sessionId', 'nameplate', 'technicianUsername', 'technicianAddress', 'customerName', 'customerNumber', 'caseNumber',
  'customerAddress', 'modeRequested', 'modeAtStart', 'lastMode', 'createdAt', 'startedAt', 'endedAt', 'endReason',
] as const;
const EVENT_COLUMNS = ['id', 'at', 'kind', 'username', 'address', 'sessionId', 'detail'] as const;

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

/**
 * The audit log: session metadata and events, never content. Writes are
 * queued in order and committed in batches (one transaction per batch), so a
 * burst of a thousand events costs a few commits; every write returns a
 * promise that settles once it is committed, and {@link flush} waits for all.
 */
export class AuditLog {
  readonly #storage: Storage;
  readonly #now: () => number;
  readonly #onError: (err: unknown) => void;
  #queue: Pending[] = [];
  #draining: Promise<void> | undefined;
  readonly #observer: AuditObserver | undefined;

  constructor(storage: Storage, options: { now?: () => number; onError?: (err: unknown) => void; observer?: AuditObserver } = {}) {
    this.#storage = storage;
    this.#observer = options.observer;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? ((err) => console.error('audit write failed:', err));
  }

  /** Records an event. */
  event(input: AuditEventInput): Promise<void> {
    const row = this.#eventRow(input);
    this.#observer?.event(input.kind);
    return this.#enqueue((db) => db.insertInto('audit_events').values(row).execute());
  }

  /**
   * One event row that counts repeats (sign-ins rejected while a lock lasts):
   * the first {@link AuditTally.add} inserts it, later ones rewrite its detail
   * with the new count. Rewrites waiting in the queue are coalesced into one,
   * so a burst of a thousand repeats costs a few writes and one row.
   */
  tally(input: Omit<AuditEventInput, 'detail'>, detail: (count: number) => string): AuditTally {
    return new AuditTally(
      (write) => this.#enqueue(write),
      (count) => this.#eventRow({ ...input, detail: detail(count) }),
      () => this.#observer?.event(input.kind),
    );
  }

  /** Inserts a session row. */
  sessionCreated(row: AuditSessionsTable): Promise<void> {
    this.#observer?.sessionCreated(row);
    return this.#enqueue((db) => db.insertInto('audit_sessions').values(row).execute());
  }

  /** Updates a session row; writes are ordered, so this always lands after its insert. */
  sessionUpdated(sessionId: string, patch: Partial<Omit<AuditSessionsTable, 'session_id'>>): Promise<void> {
    this.#observer?.sessionUpdated(patch);
    return this.#enqueue((db) => db.updateTable('audit_sessions').set(patch).where('session_id', '=', sessionId).execute());
  }

  /** Resolves once every write queued so far is committed (or reported failed). */
  async flush(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /** Newest sessions first. */
  async listSessions(limit = 500): Promise<AuditSession[]> {
    const rows = await this.#storage.db.selectFrom('audit_sessions').selectAll().orderBy('created_at', 'desc').orderBy('session_id').limit(limit).execute();
    return rows.map((r) => ({
      sessionId: r.session_id,
      nameplate: r.nameplate,
      technicianUsername: r.technician_username,
      technicianAddress: r.technician_address,
      customerName: r.customer_name,
      customerNumber: r.customer_number,
      caseNumber: r.case_number,
      customerAddress: r.customer_address,
      modeRequested: r.mode_requested as Mode,
      modeAtStart: r.mode_at_start as Mode | null,
      lastMode: r.last_mode as Mode | null,
      createdAt: Number(r.created_at),
      startedAt: num(r.started_at),
      endedAt: num(r.ended_at),
      endReason: r.end_reason as EndReason | null,
    }));
  }

  /** Newest events first. */
  async listEvents(limit = 500): Promise<AuditEvent[]> {
    const rows = await this.#storage.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      at: Number(r.at),
      kind: r.kind as AuditEventKind,
      username: r.username,
      address: r.address,
      sessionId: r.session_id,
      detail: r.detail,
    }));
  }

  /** Sessions as CSV, times in ISO 8601 UTC. */
  async sessionsCsv(limit = 100_000): Promise<string> {
    const rows = await this.listSessions(limit);
    return toCsv(SESSION_COLUMNS, rows.map((r) => SESSION_COLUMNS.map((c) => (c === 'createdAt' || c === 'startedAt' || c === 'endedAt' ? iso(r[c]) : r[c]))));
  }

  /** Events as CSV, times in ISO 8601 UTC. */
  async eventsCsv(limit = 100_000): Promise<string> {
    const rows = await this.listEvents(limit);
    return toCsv(EVENT_COLUMNS, rows.map((r) => EVENT_COLUMNS.map((c) => (c === 'at' ? iso(r.at) : r[c]))));
  }

  #eventRow(input: AuditEventInput): Omit<AuditEventsTable, 'id'> {
    return {
      at: this.#now(),
      kind: input.kind,
      username: input.username ?? null,
      address: input.address ?? null,
      session_id: input.sessionId ?? null,
      detail: (input.detail ?? '').slice(0, MAX_DETAIL_CHARS),
    };
  }

  #enqueue(write: Write): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ write, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        await this.#commit(batch);
      }
    } finally {
      // Runs in the same tick as the final empty-queue check, so no write can slip in unseen.
      this.#draining = undefined;
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    const began = performance.now();
    try {
      await this.#commitBatch(batch);
    } finally {
      this.#observer?.committed((performance.now() - began) / 1000);
    }
  }

  async #commitBatch(batch: Pending[]): Promise<void> {
    try {
      await this.#storage.db.transaction().execute(async (trx) => {
        for (const p of batch) await p.write(trx);
      });
      for (const p of batch) p.resolve();
    } catch {
      // The batch rolled back as a whole: replay each write on its own so
      // one bad row cannot take the others down with it.
      for (const p of batch) {
        try {
          await p.write(this.#storage.db);
          p.resolve();
        } catch (err) {
          // The cause goes to the relay's log; callers get one clear error that names the audit.
          this.#onError(err);
          p.reject(new TandemError('TANDEM_ERR_INTERNAL', AUDIT_FAILED, { cause: err }));
        }
      }
    }
  }
}

/** The counting event row of {@link AuditLog.tally}. */
export class AuditTally {
  readonly #enqueue: (write: Write) => Promise<void>;
  readonly #row: (count: number) => Omit<AuditEventsTable, 'id'>;
  #count = 0;
  /** The row's id once inserted; undefined until then. */
  #id: number | undefined;
  /** A rewrite queued and not yet run: later repeats ride on it. */
  #queued: Promise<void> | undefined;
  readonly #counted: () => void;

  /** `counted` hears each repeat as it is added (the audit's observer). */
  constructor(enqueue: (write: Write) => Promise<void>, row: (count: number) => Omit<AuditEventsTable, 'id'>, counted: () => void = () => undefined) {
    this.#enqueue = enqueue;
    this.#row = row;
    this.#counted = counted;
  }

  /** Repeats counted so far. */
  get count(): number {
    return this.#count;
  }

  /** Counts one more repeat; resolves once a write that includes it is committed. */
  add(): Promise<void> {
    this.#count++;
    this.#counted();
    this.#queued ??= this.#enqueue(async (db) => {
      // Runs in queue order; from here on, repeats need a rewrite of their own.
      this.#queued = undefined;
      const row = this.#row(this.#count);
      if (this.#id !== undefined) {
        const updated = await db.updateTable('audit_events').set({ detail: row.detail }).where('id', '=', this.#id).executeTakeFirst();
        // No row: its insert was in a batch that rolled back (AuditLog replays the writes), so insert it again.
        if (Number(updated.numUpdatedRows) === 1) return;
      }
      const inserted = await db.insertInto('audit_events').values(row).returning('id').executeTakeFirstOrThrow();
      this.#id = Number(inserted.id);
    });
    return this.#queued;
  }
}
