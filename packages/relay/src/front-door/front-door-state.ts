/**
 * The front door's live state (technicians' presence, the queue, the joins
 * per address, recent waits) behind one interface, so that several relay
 * nodes can later share it (Redis); {@link MemoryFrontDoorState} keeps it in
 * this process. Every method is asynchronous for that reason, and each
 * check-and-change the service needs is one method (takeJoin, accept), so a
 * shared store can make it atomic.
 */
import type { PresenceStatus, QueueState } from '@tandem/protocol';

/** A technician's presence as stored. */
export interface StoredPresence {
  status: PresenceStatus;
  autoBusy: boolean;
  /** When the technician's console was last heard from (a presence change, a queue read). */
  seenAt: number;
}

/** A queue entry as stored (the token only as its SHA-256). */
export interface StoredEntry {
  id: string;
  tokenHash: string;
  state: QueueState;
  name: string;
  customerNumber: string | null;
  caseNumber: string | null;
  description: string | null;
  /** The team asked for (also when a technician of it was picked), or null for anyone. */
  team: string | null;
  /** The technician asked for (account name), or null. */
  technician: string | null;
  address: string;
  joinedAt: number;
  /** When the customer's page last asked about the entry. */
  seenAt: number;
  acceptedBy: string | null;
  acceptedByName: string | null;
  /** When the entry left `waiting` (accepted, left, abandoned, expired). */
  settledAt: number | null;
}

/** The front door's live state. */
export interface FrontDoorState {
  getPresence(username: string): Promise<StoredPresence | undefined>;
  setPresence(username: string, presence: StoredPresence): Promise<void>;
  /** Every technician with a presence record. */
  allPresence(): Promise<ReadonlyMap<string, StoredPresence>>;
  /** Marks a technician's console as heard from at `at` (no record: nothing). */
  touchPresence(username: string, at: number): Promise<void>;

  /**
   * Counts a join of `address` when fewer than `limit` fall within `windowMs`
   * before `now`, and says whether it was counted.
   */
  takeJoin(address: string, now: number, windowMs: number, limit: number): Promise<boolean>;

  /** Every entry, in the order they joined. */
  entries(): Promise<StoredEntry[]>;
  getEntry(id: string): Promise<StoredEntry | undefined>;
  /** Adds an entry unless its queue already holds `maxLength` waiting entries; says whether it was added. */
  addEntry(entry: StoredEntry, sameQueue: (other: StoredEntry) => boolean, maxLength: number): Promise<boolean>;
  /** Changes an entry; a change of `state` happens only when it is still `from` (answers the entry changed, or undefined). */
  updateEntry(id: string, patch: Partial<Omit<StoredEntry, 'id'>>, from?: QueueState): Promise<StoredEntry | undefined>;
  removeEntry(id: string): Promise<void>;

  /** Remembers how long an accepted entry waited, keeping the newest `keep`. */
  recordWait(waitMs: number, keep: number): Promise<void>;
  /** The waits remembered, newest last. */
  recentWaits(): Promise<number[]>;
}

/** The front door's state in this process's memory: one relay node. */
export class MemoryFrontDoorState implements FrontDoorState {
  readonly #presence = new Map<string, StoredPresence>();
  readonly #entries = new Map<string, StoredEntry>();
  readonly #joins = new Map<string, number[]>();
  #waits: number[] = [];

  getPresence(username: string): Promise<StoredPresence | undefined> {
    const found = this.#presence.get(username);
    return Promise.resolve(found === undefined ? undefined : { ...found });
  }

  setPresence(username: string, presence: StoredPresence): Promise<void> {
    this.#presence.set(username, { ...presence });
    return Promise.resolve();
  }

  allPresence(): Promise<ReadonlyMap<string, StoredPresence>> {
    return Promise.resolve(new Map([...this.#presence].map(([k, v]) => [k, { ...v }])));
  }

  touchPresence(username: string, at: number): Promise<void> {
    const found = this.#presence.get(username);
    if (found !== undefined) found.seenAt = Math.max(found.seenAt, at);
    return Promise.resolve();
  }

  takeJoin(address: string, now: number, windowMs: number, limit: number): Promise<boolean> {
    const recent = (this.#joins.get(address) ?? []).filter((at) => at > now - windowMs);
    const taken = recent.length < limit;
    if (taken) recent.push(now);
    if (recent.length === 0) this.#joins.delete(address);
    else this.#joins.set(address, recent);
    // Addresses whose joins all aged out are dropped here and at the next join of any address.
    for (const [key, times] of this.#joins) if (times.every((at) => at <= now - windowMs)) this.#joins.delete(key);
    return Promise.resolve(taken);
  }

  entries(): Promise<StoredEntry[]> {
    return Promise.resolve([...this.#entries.values()].map((e) => ({ ...e })));
  }

  getEntry(id: string): Promise<StoredEntry | undefined> {
    const found = this.#entries.get(id);
    return Promise.resolve(found === undefined ? undefined : { ...found });
  }

  addEntry(entry: StoredEntry, sameQueue: (other: StoredEntry) => boolean, maxLength: number): Promise<boolean> {
    const waiting = [...this.#entries.values()].filter((e) => e.state === 'waiting' && sameQueue(e)).length;
    if (waiting >= maxLength) return Promise.resolve(false);
    this.#entries.set(entry.id, { ...entry });
    return Promise.resolve(true);
  }

  updateEntry(id: string, patch: Partial<Omit<StoredEntry, 'id'>>, from?: StoredEntry['state']): Promise<StoredEntry | undefined> {
    const found = this.#entries.get(id);
    if (found === undefined || (from !== undefined && found.state !== from)) return Promise.resolve(undefined);
    Object.assign(found, patch);
    return Promise.resolve({ ...found });
  }

  removeEntry(id: string): Promise<void> {
    this.#entries.delete(id);
    return Promise.resolve();
  }

  recordWait(waitMs: number, keep: number): Promise<void> {
    this.#waits = [...this.#waits, waitMs].slice(-keep);
    return Promise.resolve();
  }

  recentWaits(): Promise<number[]> {
    return Promise.resolve([...this.#waits]);
  }
}
