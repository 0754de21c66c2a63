import { createHash, randomBytes } from 'node:crypto';
import type { SigninInfo } from '@tandem/protocol';
import type { Storage } from './storage.js';

/** Lifetime of a bearer token, milliseconds (12 h). */
export const TOKEN_LIFETIME_MS = 12 * 3_600_000;

/** A fresh unguessable token: 32 random bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 of a token, hex. Tokens are stored only hashed, so a leaked
 * database does not leak usable tokens; they carry 256 bits of entropy, so a
 * plain hash (no salt, no stretching) is enough.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The identifier a sign-in is shown with: the first 16 hex digits of its token's hash (not enough to find the token). */
export function signinId(tokenHash: string): string {
  return tokenHash.slice(0, 16);
}

/** What a token may do: everything its account may (`full`), or only enrol a second factor (`enrol`). */
export type TokenScope = 'full' | 'enrol';

/** Bearer tokens issued at sign-in, stored hashed with an expiry. */
export class TokenStore {
  readonly #storage: Storage;
  readonly #now: () => number;

  constructor(storage: Storage, now: () => number = Date.now) {
    this.#storage = storage;
    this.#now = now;
  }

  /** Issues a token for `username`, signing in from `address`; `enrol` for one that may only enrol a second factor. */
  async issue(username: string, address = '', scope: TokenScope = 'full'): Promise<{ token: string; expiresAt: number }> {
    const token = newToken();
    const now = this.#now();
    const expiresAt = now + TOKEN_LIFETIME_MS;
    const db = this.#storage.db;
    await db.deleteFrom('tokens').where('expires_at', '<=', now).execute();
    await db.insertInto('tokens').values({ token_hash: hashToken(token), username, expires_at: expiresAt, created_at: now, address, scope }).execute();
    return { token, expiresAt };
  }

  /** The unexpired sign-ins of `username`, newest first; `current` marks the token given. */
  async list(username: string, current?: string): Promise<SigninInfo[]> {
    const rows = await this.#storage.db
      .selectFrom('tokens')
      .selectAll()
      .where('username', '=', username)
      .where('expires_at', '>', this.#now())
      .orderBy('created_at', 'desc')
      .execute();
    const currentHash = current === undefined ? undefined : hashToken(current);
    return rows.map((r) => ({
      id: signinId(r.token_hash),
      createdAt: Number(r.created_at),
      expiresAt: Number(r.expires_at),
      address: r.address,
      current: r.token_hash === currentHash,
    }));
  }

  /** How many unexpired sign-ins each user has. */
  async counts(): Promise<Map<string, number>> {
    const rows = await this.#storage.db
      .selectFrom('tokens')
      .select(['username', (eb) => eb.fn.countAll<number>().as('n')])
      .where('expires_at', '>', this.#now())
      .groupBy('username')
      .execute();
    return new Map(rows.map((r) => [r.username, Number(r.n)]));
  }

  /** The user name a valid, unexpired token belongs to and its scope, or undefined. */
  async verify(token: string): Promise<{ username: string; scope: TokenScope } | undefined> {
    const row = await this.#storage.db
      .selectFrom('tokens')
      .select(['username', 'expires_at', 'scope'])
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.#now()) return undefined;
    return { username: row.username, scope: row.scope === 'enrol' ? 'enrol' : 'full' };
  }

  /** Revokes one token. */
  async revoke(token: string): Promise<void> {
    await this.#storage.db.deleteFrom('tokens').where('token_hash', '=', hashToken(token)).execute();
  }

  /** Revokes every token of a user (after a password change), but `keep` when given; answers how many went. */
  async revokeAll(username: string, keep?: string): Promise<number> {
    let query = this.#storage.db.deleteFrom('tokens').where('username', '=', username);
    if (keep !== undefined) query = query.where('token_hash', '!=', hashToken(keep));
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
