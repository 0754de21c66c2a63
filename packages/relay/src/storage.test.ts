import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@tandem/test-kit';
import { SQLITE_FILE, openStorage } from './storage.js';

describe('openStorage on SQLite', () => {
  it('adds the account columns to a database made by an older relay, keeping its rows', async () => {
    const dir = tempDir();
    try {
      // The users and tokens tables as relays before the account lifecycle made them.
      const old = new Database(join(dir, SQLITE_FILE));
      old.exec(`create table users (username text primary key, display_name text not null, role text not null, team text not null, password_hash text, created_at bigint not null);
        create table tokens (token_hash text primary key, username text not null, expires_at bigint not null);
        insert into users values ('old', 'Old', 'technician', '', 'scrypt$x', 1);
        insert into tokens values ('h', 'old', 99);`);
      old.close();
      for (let open = 0; open < 2; open++) {
        const storage = await openStorage({ dataDir: dir });
        try {
          expect(await storage.db.selectFrom('users').selectAll().execute()).toEqual([
            { username: 'old', display_name: 'Old', role: 'technician', team: '', password_hash: 'scrypt$x', created_at: 1, disabled_at: null, unlocked_at: null, totp_secret: null, totp_pending: null, totp_last_step: null, recovery_hashes: '', webauthn_user_id: null },
          ]);
          expect(await storage.db.selectFrom('tokens').selectAll().execute()).toEqual([{ token_hash: 'h', username: 'old', expires_at: 99, created_at: 0, address: '', scope: 'full' }]);
        } finally {
          await storage.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
