import { createHash, randomBytes } from 'node:crypto';
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

/** Bearer tokens issued at sign-in, stored hashed with an expiry. */
export class TokenStore {
  readonly #storage: Storage;
  readonly #now: () => number;

  constructor(storage: Storage, now: () => number = Date.now) {
    this.#storage = storage;
    this.#now = now;
  }

  /** Issues a token for `username`. */
  async issue(username: string): Promise<{ token: string; expiresAt: number }> {
    const token = newToken();
    const expiresAt = this.#now() + TOKEN_LIFETIME_MS;
    const db = this.#storage.db;
    await db.deleteFrom('tokens').where('expires_at', '<=', this.#now()).execute();
    await db.insertInto('tokens').values({ token_hash: hashToken(token), username, expires_at: expiresAt }).execute();
    return { token, expiresAt };
  }

  /** The user name a valid, unexpired token belongs to, or undefined. */
  async verify(token: string): Promise<string | undefined> {
    const row = await this.#storage.db
      .selectFrom('tokens')
      .select(['username', 'expires_at'])
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.#now()) return undefined;
    return row.username;
  }

  /** Revokes one token. */
  async revoke(token: string): Promise<void> {
    await this.#storage.db.deleteFrom('tokens').where('token_hash', '=', hashToken(token)).execute();
  }

  /** Revokes every token of a user (after a password change). */
  async revokeAll(username: string): Promise<void> {
    await this.#storage.db.deleteFrom('tokens').where('username', '=', username).execute();
  }
}
