import { SECOND_FACTOR_REQUIREMENTS, assertOneOf, type AccountRole, type SecondFactorRequirement } from '@tandem/protocol';
import type { AuditLog } from '../audit.js';
import type { Storage } from '../storage.js';

/** The settings key the requirement is kept under. */
const KEY = 'require-second-factor';

/** True when `requirement` asks accounts of `role` to have a second factor. */
export function requiresSecondFactor(requirement: SecondFactorRequirement, role: AccountRole): boolean {
  if (requirement === 'all') return true;
  if (requirement === 'admins') return role === 'admin';
  if (requirement === 'technicians') return role === 'technician';
  return false;
}

/**
 * Who must have a second factor: nobody (`off`, the default), administrators,
 * technicians, or everyone. Kept in the database's settings, read at every
 * sign-in (never cached), so `tandem-relay policy require-2fa` run beside a
 * running relay applies at the next sign-in. An account it covers that has
 * no factor yet gets, at sign-in, a token that may only enrol one.
 */
export class SecondFactorPolicy {
  readonly #storage: Storage;
  readonly #audit: AuditLog;

  constructor(deps: { storage: Storage; audit: AuditLog }) {
    this.#storage = deps.storage;
    this.#audit = deps.audit;
  }

  /** The requirement in force. */
  async get(): Promise<SecondFactorRequirement> {
    const row = await this.#storage.db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
    const value = row?.value;
    return (SECOND_FACTOR_REQUIREMENTS as readonly string[]).includes(value ?? '') ? (value as SecondFactorRequirement) : 'off';
  }

  /** Sets the requirement (audited `second-factor-policy`, `require=VALUE by=ACTOR`). */
  async set(value: unknown, actor: string): Promise<void> {
    assertOneOf<SecondFactorRequirement>(value, 'require', SECOND_FACTOR_REQUIREMENTS);
    const db = this.#storage.db;
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('settings').where('key', '=', KEY).execute();
      await trx.insertInto('settings').values({ key: KEY, value }).execute();
    });
    await this.#audit.event({ kind: 'second-factor-policy', username: null, detail: `require=${value} by=${actor}` });
  }

  /** True when the policy in force asks `role` for a second factor. */
  async requires(role: AccountRole): Promise<boolean> {
    return requiresSecondFactor(await this.get(), role);
  }
}
