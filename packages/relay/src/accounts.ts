import {
  ACCOUNT_ROLES,
  LIMITS,
  SIGNIN_LIMITS,
  TandemError,
  assertOneOf,
  assertPlainName,
  assertString,
  assertThat,
  type AccountInfo as PublicUser,
  type AccountRole,
  type SecondFactorKind,
  type SigninInfo,
  type UserSummary,
} from '@tandem/protocol';
import type { AuditLog, AuditTally } from './audit.js';
import { checkPasswordStrength, hashPassword, makeDummyHash, verifyPassword } from './password.js';
import type { Selectable } from 'kysely';
import type { Storage, UsersTable } from './storage.js';
import { SecondFactorNeeded, SecondFactors, type FactorCheck, type FactorRow } from './second-factor.js';
import { Passkeys, type PasskeyCheck } from './second-factor/passkeys.js';
import { SecondFactorPolicy } from './second-factor/second-factor-policy.js';
import { Throttle, type Reservation } from './throttle.js';
import { hashToken, newToken, type TokenScope, type TokenStore } from './tokens.js';

/** Lifetime of a one-time set-up link, milliseconds (24 h). */
export const SETUP_LINK_LIFETIME_MS = 24 * 3_600_000;

/** Sign-ins that may wait for a check in flight, per account and per address (see {@link Accounts.login}). */
export const MAX_WAITING_SIGNINS = 128;

/** User name of the administrator created on first start. */
export const FIRST_ADMIN = 'admin';

/** A user as the API shows it, and as administrators see it: defined in the protocol. */
export type { PublicUser, UserSummary };

/** Fields of a new account. */
export interface NewUser {
  username: string;
  role: AccountRole;
  displayName?: string | undefined;
  team?: string | undefined;
  /** Set at once; otherwise the account waits for its set-up link. */
  password?: string | undefined;
}

/** Throttle limits for sign-in (defaults: SIGNIN_LIMITS). */
export interface SigninLimits {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowMs: number;
}

/** Fails unless `value` is an acceptable user name (stricter than any name: a login, not a label). */
export function assertUsername(value: unknown, name = 'username'): asserts value is string {
  assertPlainName(value, name, LIMITS.maxUserNameChars, 1);
  assertThat(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/.test(value), name, 'may hold only letters, digits and . _ @ - and must start with a letter or digit');
}

/**
 * Accounts: creation, one-time set-up links, sign-in with throttling per
 * account and per address (every failure and lock audited), bearer tokens.
 */
export class Accounts {
  readonly #storage: Storage;
  readonly #audit: AuditLog;
  readonly #tokens: TokenStore;
  readonly #factors: SecondFactors;
  readonly #passkeys: Passkeys;
  readonly #policy: SecondFactorPolicy;
  readonly #now: () => number;
  readonly #byAccount: Throttle;
  readonly #byAddress: Throttle;
  #dummyHash: Promise<string> | undefined;
  /** The audit row counting sign-ins rejected during each lock, by `account:NAME` or `address:ADDR`. */
  readonly #rejections = new Map<string, { until: number; tally: AuditTally }>();

  constructor(deps: {
    storage: Storage;
    audit: AuditLog;
    tokens: TokenStore;
    factors?: SecondFactors;
    passkeys?: Passkeys;
    policy?: SecondFactorPolicy;
    now?: () => number;
    signinLimits?: SigninLimits;
  }) {
    this.#storage = deps.storage;
    this.#audit = deps.audit;
    this.#tokens = deps.tokens;
    this.#now = deps.now ?? Date.now;
    this.#factors = deps.factors ?? new SecondFactors({ storage: deps.storage, audit: deps.audit, now: this.#now });
    this.#passkeys = deps.passkeys ?? new Passkeys({ storage: deps.storage, audit: deps.audit, now: this.#now });
    this.#policy = deps.policy ?? new SecondFactorPolicy({ storage: deps.storage, audit: deps.audit });
    const limits = deps.signinLimits ?? SIGNIN_LIMITS;
    this.#byAccount = new Throttle({ maxFailures: limits.maxFailuresPerAccount, windowMs: limits.windowMs, now: this.#now });
    this.#byAddress = new Throttle({ maxFailures: limits.maxFailuresPerAddress, windowMs: limits.windowMs, now: this.#now });
  }

  /** Creates an account; TANDEM_ERR_CONFLICT if the name is taken. */
  async addUser(user: NewUser, actor: string): Promise<void> {
    assertUsername(user.username);
    assertOneOf(user.role, 'role', ACCOUNT_ROLES);
    if (user.displayName !== undefined) assertPlainName(user.displayName, 'displayName', LIMITS.maxNameChars);
    if (user.team !== undefined) assertPlainName(user.team, 'team', LIMITS.maxNameChars);
    if (user.password !== undefined) checkPasswordStrength(user.password);
    if (await this.#find(user.username)) throw new TandemError('TANDEM_ERR_CONFLICT', `user ${user.username} already exists`);
    const passwordHash = user.password === undefined ? null : await hashPassword(user.password);
    try {
      await this.#storage.db
        .insertInto('users')
        .values({
          username: user.username,
          display_name: user.displayName || user.username,
          role: user.role,
          team: user.team ?? '',
          password_hash: passwordHash,
          created_at: this.#now(),
          recovery_hashes: '',
        })
        .execute();
    } catch (err) {
      // The primary key caught a concurrent creation of the same name.
      throw new TandemError('TANDEM_ERR_CONFLICT', `user ${user.username} already exists`, { cause: err });
    }
    await this.#audit.event({ kind: 'user-added', username: user.username, detail: `role=${user.role} by=${actor}` });
    if (passwordHash !== null) await this.#audit.event({ kind: 'password-set', username: user.username, detail: `by=${actor}` });
  }

  /** Issues a one-time set-up link token for an existing user (valid 24 h). */
  async createSetupLink(username: string): Promise<string> {
    if (!(await this.#find(username))) throw new TandemError('TANDEM_ERR_NOT_FOUND', `no user ${username}`);
    const token = newToken();
    const db = this.#storage.db;
    await db.deleteFrom('setup_links').where('expires_at', '<=', this.#now()).execute();
    await db.insertInto('setup_links').values({ token_hash: hashToken(token), username, expires_at: this.#now() + SETUP_LINK_LIFETIME_MS }).execute();
    return token;
  }

  /** The account a set-up link is for; TANDEM_ERR_SETUP_LINK when unknown, used or expired. */
  async describeSetupLink(token: string): Promise<{ username: string; role: AccountRole }> {
    const username = await this.#setupLinkUser(token);
    const user = await this.#find(username);
    if (!user) throw new TandemError('TANDEM_ERR_SETUP_LINK');
    return { username: user.username, role: user.role };
  }

  /** Sets the password through a set-up link, then spends it (and every other link of that user). */
  async completeSetup(token: string, password: unknown, displayName?: string): Promise<void> {
    const username = await this.#setupLinkUser(token);
    checkPasswordStrength(password);
    if (displayName !== undefined) assertPlainName(displayName, 'displayName', LIMITS.maxNameChars);
    // Spend the link first: of two concurrent uses only the one whose delete hits a row proceeds.
    const deleted = await this.#storage.db.deleteFrom('setup_links').where('token_hash', '=', hashToken(token)).executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1) throw new TandemError('TANDEM_ERR_SETUP_LINK');
    await this.#storage.db.deleteFrom('setup_links').where('username', '=', username).execute();
    const patch: { password_hash: string; display_name?: string } = { password_hash: await hashPassword(password) };
    if (displayName) patch.display_name = displayName;
    await this.#storage.db.updateTable('users').set(patch).where('username', '=', username).execute();
    await this.#tokens.revokeAll(username);
    await this.#audit.event({ kind: 'password-set', username, detail: 'by=setup-link' });
  }

  /**
   * Signs in. Fails with TANDEM_ERR_SIGNIN_LOCKED while the account or the
   * address is locked (even with the right password), else
   * TANDEM_ERR_SIGNIN_FAILED; every failure and every lock is audited.
   *
   * Each password check is counted against the account and the address from
   * the moment it starts, not when it fails: the hash takes tens of
   * milliseconds, and a lock checked before it and failures counted after it
   * let any number of parallel guesses through. A check starts only while the
   * failures in the window plus the checks in flight stay below the limit, so
   * at most the limit can fail whatever the parallelism; a success gives its
   * reservation back. Sign-ins beyond that wait for a check in flight to settle
   * rather than being refused, so one account signing in many times at once
   * with the right password is not locked out by itself; at most
   * {@link MAX_WAITING_SIGNINS} wait per account or address, beyond that
   * TANDEM_ERR_RATE_LIMITED.
   */
  async login(username: unknown, password: unknown, address: string, totp?: unknown, passkey?: unknown): Promise<{ token: string; user: PublicUser }> {
    assertString(username, 'username', LIMITS.maxUserNameChars, 1);
    assertString(password, 'password', LIMITS.maxPasswordChars);
    if (totp !== undefined) assertString(totp, 'totp', 64, 1);
    if (totp !== undefined && passkey !== undefined) throw new TandemError('TANDEM_ERR_BAD_INPUT', 'give totp or passkey, not both');
    // The second factor is checked inside the password's reservation, so its failures are
    // counted against the same limits and parallel guesses of it get no more checks either.
    let enrolled = true;
    const user = await this.#checkPassword(username, password, address, async (found) => {
      const factors = await this.#factorsOf(found);
      if (factors.length === 0) {
        enrolled = false;
        return 'ok';
      }
      if (passkey !== undefined) return factors.includes('passkey') ? this.#passkeys.check(found.username, passkey) : 'unknown passkey';
      if (totp === undefined) throw new SecondFactorNeeded(factors, await this.#passkeys.signinOptions(found.username));
      // An account with passkeys only has no TOTP secret: SecondFactors.check would have nothing to refuse with.
      if (found.totpSecret === null) return 'wrong one-time code';
      return this.#factors.check(found, totp.trim());
    });
    if (user.disabledAt !== null) {
      // Only someone who knows the password learns that the account is disabled.
      await this.#audit.event({ kind: 'signin-failed', username, address, detail: 'account disabled' });
      throw new TandemError('TANDEM_ERR_SIGNIN_FAILED', 'This account is disabled; ask an administrator.');
    }
    // The policy asks this account for a second factor it has not got: a sign-in that may only enrol one.
    const scope: TokenScope = !enrolled && (await this.#policy.requires(user.role)) ? 'enrol' : 'full';
    const { token } = await this.#tokens.issue(user.username, address, scope);
    return { token, user: scope === 'enrol' ? { ...publicUser(user), enrolmentRequired: true } : publicUser(user) };
  }

  /** The second factors `user` has (TOTP and recovery codes from its row, passkeys from theirs). */
  async #factorsOf(user: StoredUser): Promise<SecondFactorKind[]> {
    const factors: SecondFactorKind[] = SecondFactors.factorsOf(user);
    if (await this.#passkeys.has(user.username)) factors.push('passkey');
    return factors;
  }

  /**
   * Changes a signed-in user's own password: the current one is checked as
   * a sign-in is (same throttle, same lockouts, failures audited). Every other
   * sign-in of the user is revoked; the one making the change (`keepToken`)
   * stays.
   */
  async changePassword(username: string, current: unknown, next: unknown, address: string, keepToken: string): Promise<void> {
    assertString(current, 'currentPassword', LIMITS.maxPasswordChars);
    checkPasswordStrength(next, 'newPassword');
    await this.#checkPassword(username, current, address);
    await this.#storage.db.updateTable('users').set({ password_hash: await hashPassword(next) }).where('username', '=', username).execute();
    const revoked = await this.#tokens.revokeAll(username, keepToken);
    await this.#audit.event({ kind: 'password-changed', username, address, detail: `by=${username} other-signins-revoked=${revoked}` });
  }

  /** The open sign-ins of `username`; `current` marks the token given. */
  signins(username: string, current?: string): Promise<SigninInfo[]> {
    return this.#tokens.list(username, current);
  }

  /** True while this relay process holds `username` locked after failed sign-ins. */
  isLocked(username: string): boolean {
    return this.#byAccount.isLocked(username.toLowerCase());
  }

  /**
   * Checks a password as sign-in does (see {@link login} for the throttle);
   * resolves with the user when it is right, else fails with the error the
   * client gets, the failure counted and audited.
   */
  async #checkPassword(username: string, password: string, address: string, second?: (user: StoredUser) => Promise<FactorCheck | PasskeyCheck>): Promise<StoredUser> {
    const key = username.toLowerCase();
    const slot = await this.#reserve(username, key, address);
    const user = await this.#find(username).catch((err: unknown) => {
      slot.account.release();
      slot.address.release();
      throw err;
    });
    const stored = user?.passwordHash ?? (await (this.#dummyHash ??= makeDummyHash()));
    const ok = (await verifyPassword(password, stored)) && user !== undefined && user.passwordHash !== null;
    let detail: string = user ? 'wrong password' : 'unknown user';
    if (ok) {
      const factor = await (second?.(user) ?? Promise.resolve<FactorCheck | PasskeyCheck>('ok')).catch((err: unknown) => {
        // A sign-in that must give its second factor (or a failed lookup) is not a failure.
        slot.account.release();
        slot.address.release();
        throw err;
      });
      if (factor === 'ok') {
        slot.account.release();
        slot.address.release();
        this.#byAccount.reset(key);
        return user;
      }
      detail = factor;
    }
    const account = slot.account.recordFailure();
    const byAddress = slot.address.recordFailure();
    await this.#audit.event({ kind: 'signin-failed', username, address, detail });
    if (account.lockedNow) await this.#audit.event({ kind: 'signin-locked', username, address, detail: `account locked after ${account.count} failures` });
    if (byAddress.lockedNow) await this.#audit.event({ kind: 'signin-locked', username, address, detail: `address locked after ${byAddress.count} failures` });
    if (account.lockedNow || byAddress.lockedNow) throw new TandemError('TANDEM_ERR_SIGNIN_LOCKED', 'Too many failed sign-ins; this account or address is locked for a while.');
    throw new TandemError('TANDEM_ERR_SIGNIN_FAILED');
  }

  /**
   * Reserves a password check on both the account and the address (see
   * {@link login}), waiting while either is full of checks in flight.
   * Rejects at once while either is locked.
   */
  async #reserve(username: string, key: string, address: string): Promise<{ account: Reservation; address: Reservation }> {
    // An unlock is a row in the database (the CLI writes it from another process): a lock engaged before it ends.
    if (this.#byAccount.isLocked(key)) {
      const unlockedAt = (await this.#find(username))?.unlockedAt;
      if (unlockedAt !== undefined && unlockedAt !== null) this.#byAccount.forgive(key, unlockedAt);
    }
    for (;;) {
      if (this.#byAccount.isLocked(key) || this.#byAddress.isLocked(address)) {
        const which = this.#byAccount.isLocked(key) ? 'account' : 'address';
        await this.#rejected(which, username, key, address);
        throw new TandemError('TANDEM_ERR_SIGNIN_LOCKED', `Too many failed sign-ins for this ${which}; try again in ${Math.ceil(this.#lockedFor(key, address) / 60_000)} min.`);
      }
      const account = this.#byAccount.reserve(key);
      const byAddress = account && this.#byAddress.reserve(address);
      if (account && byAddress) return { account, address: byAddress };
      account?.release();
      const [throttle, full] = account ? [this.#byAddress, address] : [this.#byAccount, key];
      if (throttle.waiting(full) >= MAX_WAITING_SIGNINS) {
        throw new TandemError('TANDEM_ERR_RATE_LIMITED', 'Too many sign-ins at once for this account or address; try again in a moment.');
      }
      await throttle.whenSettled(full);
    }
  }

  /**
   * The signed-in user for a bearer token; TANDEM_ERR_UNAUTHORIZED otherwise,
   * and TANDEM_ERR_ENROLMENT_REQUIRED for a sign-in that may only enrol a
   * second factor (see {@link authenticateForEnrolment}).
   */
  async authenticate(token: string | undefined): Promise<PublicUser> {
    const user = await this.authenticateForEnrolment(token);
    if (user.enrolmentRequired) throw new TandemError('TANDEM_ERR_ENROLMENT_REQUIRED');
    return user;
  }

  /**
   * The signed-in user for a bearer token, also for a sign-in that may only
   * enrol a second factor: then `enrolmentRequired` is set. Such a sign-in is
   * one no longer once the account has a factor, or the policy stopped
   * asking its role for one: checked here at every request, not stored.
   */
  async authenticateForEnrolment(token: string | undefined): Promise<PublicUser> {
    const found = token ? await this.#tokens.verify(token) : undefined;
    const user = found === undefined ? undefined : await this.#find(found.username);
    // Disabling revokes every token too; refusing here as well covers a token issued while the flag was written.
    if (!user || user.disabledAt !== null) throw new TandemError('TANDEM_ERR_UNAUTHORIZED', 'Sign in first (missing, expired or revoked token).');
    const limited = found?.scope === 'enrol' && (await this.#factorsOf(user)).length === 0 && (await this.#policy.requires(user.role));
    return limited ? { ...publicUser(user), enrolmentRequired: true } : publicUser(user);
  }

  /** Revokes a bearer token. */
  async logout(token: string): Promise<void> {
    await this.#tokens.revoke(token);
  }

  /** All users, by name, with their state (`locked` as this process counts it). */
  async listUsers(): Promise<UserSummary[]> {
    const rows = await this.#storage.db.selectFrom('users').selectAll().orderBy('username').execute();
    const signins = await this.#tokens.counts();
    const withPasskeys = await this.#passkeys.owners();
    return rows.map((r) => ({
      ...publicUser(toUser(r)),
      createdAt: Number(r.created_at),
      hasPassword: r.password_hash !== null,
      disabled: r.disabled_at !== null,
      locked: this.isLocked(r.username),
      signins: signins.get(r.username) ?? 0,
      secondFactors: [...SecondFactors.factorsOf(toUser(r)), ...(withPasskeys.has(r.username) ? (['passkey'] as const) : [])],
    }));
  }

  /**
   * On start: when no administrator can sign in yet, makes sure the first
   * administrator account exists and returns a fresh set-up link token for it.
   */
  async ensureFirstAdmin(): Promise<string | undefined> {
    const admins = await this.#storage.db.selectFrom('users').select(['username', 'password_hash']).where('role', '=', 'admin').execute();
    if (admins.some((a) => a.password_hash !== null)) return undefined;
    let username = admins[0]?.username;
    if (username === undefined) {
      username = FIRST_ADMIN;
      if (await this.#find(username)) throw new TandemError('TANDEM_ERR_CONFLICT', `user ${username} exists but is not an administrator`);
      await this.addUser({ username, role: 'admin', displayName: 'Administrator' }, 'first-start');
    }
    return this.createSetupLink(username);
  }

  /**
   * Audits a sign-in rejected while the account or the address is locked. It
   * costs the attacker nothing, so it must not cost a row: each lock gets one
   * `signin-failed` row, written at its first rejected attempt and rewritten
   * with the count at each further one (rewrites coalesce in the audit
   * queue). The row thus shows the count while the lock lasts, and a relay
   * that stops loses at most the increments not yet committed.
   */
  async #rejected(which: 'account' | 'address', username: string, key: string, address: string): Promise<void> {
    const lockKey = which === 'account' ? `account:${key}` : `address:${address}`;
    const until = which === 'account' ? this.#byAccount.lockedUntil(key) : this.#byAddress.lockedUntil(address);
    const current = this.#rejections.get(lockKey);
    if (current?.until === until) return current.tally.add();
    const now = this.#now();
    for (const [k, entry] of this.#rejections) if (entry.until <= now) this.#rejections.delete(k);
    const tally = this.#audit.tally({ kind: 'signin-failed', username: which === 'account' ? username : null, address }, (n) => `rejected while ${which} locked: ${n} attempt${n === 1 ? '' : 's'}`);
    this.#rejections.set(lockKey, { until, tally });
    return tally.add();
  }

  #lockedFor(key: string, address: string): number {
    return Math.max(this.#byAccount.lockedFor(key), this.#byAddress.lockedFor(address));
  }

  async #setupLinkUser(token: string): Promise<string> {
    assertString(token, 'setup token', 128, 1);
    const row = await this.#storage.db.selectFrom('setup_links').select(['username', 'expires_at']).where('token_hash', '=', hashToken(token)).executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.#now()) throw new TandemError('TANDEM_ERR_SETUP_LINK');
    return row.username;
  }

  async #find(username: string): Promise<StoredUser | undefined> {
    const row = await this.#storage.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row ? toUser(row) : undefined;
  }
}

/** A user as the database holds it. */
interface StoredUser extends PublicUser, FactorRow {
  passwordHash: string | null;
  disabledAt: number | null;
  unlockedAt: number | null;
}

function toUser(r: Selectable<UsersTable>): StoredUser {
  return {
    username: r.username,
    displayName: r.display_name,
    role: r.role as AccountRole,
    team: r.team,
    passwordHash: r.password_hash,
    disabledAt: r.disabled_at === null ? null : Number(r.disabled_at),
    unlockedAt: r.unlocked_at === null ? null : Number(r.unlocked_at),
    totpSecret: r.totp_secret,
    totpLastStep: r.totp_last_step === null ? null : Number(r.totp_last_step),
    recoveryHashes: r.recovery_hashes,
  };
}

function publicUser(u: PublicUser): PublicUser {
  return { username: u.username, displayName: u.displayName, role: u.role, team: u.team };
}
