import { TandemError, type UserSummary } from '@tandem/protocol';
import { assertUsername, type Accounts } from './accounts.js';
import type { AuditLog } from './audit.js';
import type { SecondFactors } from './second-factor.js';
import type { Storage } from './storage.js';
import type { TokenStore } from './tokens.js';

/**
 * What administrators do to an existing account, the same through the HTTP
 * API and the relay's command line: disable and enable it, delete it, reset
 * it, revoke its sign-ins, unlock it. Every change is a database write, so a
 * relay running on the same database sees one made by `tandem-relay user …`
 * in another process at its next request (accounts and tokens are read per
 * request, never cached). Every change is audited with `by=ACTOR`.
 */
export class AccountAdmin {
  readonly #storage: Storage;
  readonly #audit: AuditLog;
  readonly #tokens: TokenStore;
  readonly #accounts: Accounts;
  readonly #factors: SecondFactors;
  readonly #now: () => number;

  constructor(deps: { storage: Storage; audit: AuditLog; tokens: TokenStore; accounts: Accounts; factors: SecondFactors; now?: () => number }) {
    this.#factors = deps.factors;
    this.#storage = deps.storage;
    this.#audit = deps.audit;
    this.#tokens = deps.tokens;
    this.#accounts = deps.accounts;
    this.#now = deps.now ?? Date.now;
  }

  /** Every account with its state. */
  list(): Promise<UserSummary[]> {
    return this.#accounts.listUsers();
  }

  /** Disables an account: it cannot sign in, and every sign-in it has is revoked at once. */
  async disable(username: string, actor: string): Promise<void> {
    await this.#mustExist(username);
    await this.#storage.db.updateTable('users').set({ disabled_at: this.#now() }).where('username', '=', username).where('disabled_at', 'is', null).execute();
    const revoked = await this.#tokens.revokeAll(username);
    await this.#audit.event({ kind: 'user-disabled', username, detail: `by=${actor} signins-revoked=${revoked}` });
  }

  /** Enables a disabled account again (its password unchanged; it signs in afresh). */
  async enable(username: string, actor: string): Promise<void> {
    await this.#mustExist(username);
    await this.#storage.db.updateTable('users').set({ disabled_at: null }).where('username', '=', username).execute();
    await this.#audit.event({ kind: 'user-enabled', username, detail: `by=${actor}` });
  }

  /**
   * Deletes an account, its sign-ins and set-up links. Its audit rows stay:
   * they carry the user name as text, not a reference, so the history of
   * what the account did outlives it.
   */
  async delete(username: string, actor: string): Promise<void> {
    await this.#mustExist(username);
    const db = this.#storage.db;
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('tokens').where('username', '=', username).execute();
      await trx.deleteFrom('setup_links').where('username', '=', username).execute();
      await trx.deleteFrom('passkeys').where('username', '=', username).execute();
      await trx.deleteFrom('webauthn_challenges').where('username', '=', username).execute();
      await trx.deleteFrom('users').where('username', '=', username).execute();
    });
    await this.#audit.event({ kind: 'user-deleted', username, detail: `by=${actor}` });
  }

  /**
   * Resets an account: the password and second factors (TOTP, recovery codes, passkeys) are cleared, every sign-in and earlier
   * set-up link revoked, and a new one-time set-up link issued (its token is
   * returned). The account stays enabled or disabled as it was.
   */
  async reset(username: string, actor: string): Promise<string> {
    await this.#mustExist(username);
    const db = this.#storage.db;
    await db.transaction().execute(async (trx) => {
      // A reset is for a technician who lost the password or the device: the second factors go too.
      await trx
        .updateTable('users')
        .set({ password_hash: null, totp_secret: null, totp_pending: null, totp_last_step: null, recovery_hashes: '' })
        .where('username', '=', username)
        .execute();
      await trx.deleteFrom('tokens').where('username', '=', username).execute();
      await trx.deleteFrom('setup_links').where('username', '=', username).execute();
      await trx.deleteFrom('passkeys').where('username', '=', username).execute();
      await trx.deleteFrom('webauthn_challenges').where('username', '=', username).execute();
    });
    const token = await this.#accounts.createSetupLink(username);
    await this.#audit.event({ kind: 'user-reset', username, detail: `by=${actor}` });
    return token;
  }

  /** Revokes every sign-in of an account (it may sign in again). */
  async revokeSignins(username: string, actor: string): Promise<number> {
    await this.#mustExist(username);
    const revoked = await this.#tokens.revokeAll(username);
    await this.#audit.event({ kind: 'signins-revoked', username, detail: `by=${actor} count=${revoked}` });
    return revoked;
  }

  /**
   * Unlocks an account locked after failed sign-ins. The lock lives in the
   * memory of the relay process that counted the failures, so the unlock is
   * a time written to the account's row: that relay ends any lock engaged
   * before it at the account's next sign-in. A lock of the address stays.
   */
  async unlock(username: string, actor: string): Promise<void> {
    await this.#mustExist(username);
    await this.#storage.db.updateTable('users').set({ unlocked_at: this.#now() }).where('username', '=', username).execute();
    await this.#audit.event({ kind: 'user-unlocked', username, detail: `by=${actor}` });
  }

  /** Enrols TOTP for an account at once (for set-up by script): its otpauth URI and fresh recovery codes. */
  async enrolTotp(username: string, actor: string): Promise<{ otpauthUrl: string; recoveryCodes: string[] }> {
    await this.#mustExist(username);
    return this.#factors.enrolDirect(username, actor);
  }

  async #mustExist(username: string): Promise<void> {
    assertUsername(username);
    const row = await this.#storage.db.selectFrom('users').select('username').where('username', '=', username).executeTakeFirst();
    if (!row) throw new TandemError('TANDEM_ERR_NOT_FOUND', `no user ${username}`);
  }
}
