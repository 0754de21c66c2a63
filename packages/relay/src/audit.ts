import type { AuditEvent, AuditEventKind, AuditSession, EndReason, Mode } from '@tandem/protocol';
import { toCsv } from './csv.js';
import type { AuditSessionsTable, Schema, Storage } from './storage.js';
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

type Write = (trx: Transaction<Schema> | Kysely<Schema>) => Promise<unknown>;
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

  constructor(storage: Storage, options: { now?: () => number; onError?: (err: unknown) => void } = {}) {
    this.#storage = storage;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? ((err) => console.error('audit write failed:', err));
  }

  /** Records an event. */
  event(input: AuditEventInput): Promise<void> {
    const row = {
      at: this.#now(),
      kind: input.kind,
      username: input.username ?? null,
      address: input.address ?? null,
      session_id: input.sessionId ?? null,
      detail: (input.detail ?? '').slice(0, 200),
    };
    return this.#enqueue((db) => db.insertInto('audit_events').values(row).execute());
  }

  /** Inserts a session row. */
  sessionCreated(row: AuditSessionsTable): Promise<void> {
    return this.#enqueue((db) => db.insertInto('audit_sessions').values(row).execute());
  }

  /** Updates a session row; writes are ordered, so this always lands after its insert. */
  sessionUpdated(sessionId: string, patch: Partial<Omit<AuditSessionsTable, 'session_id'>>): Promise<void> {
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
          this.#onError(err);
          p.reject(err);
        }
      }
    }
  }
}
